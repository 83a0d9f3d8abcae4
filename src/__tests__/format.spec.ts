import {
  formatBytes,
  formatDuration,
  formatInteger,
  formatList,
  formatShape,
  formatTime,
  publicType,
  shortType,
  splitTicks
} from '../format';

describe('formatInteger', () => {
  it('adds thousands separators', () => {
    expect(formatInteger(0)).toBe('0');
    expect(formatInteger(891)).toBe('891');
    expect(formatInteger(1000)).toBe('1,000');
    expect(formatInteger(1234567)).toBe('1,234,567');
  });

  it('follows a locale when given one', () => {
    expect(formatInteger(1234567, 'de-DE')).toBe('1.234.567');
  });

  it('says "?" for what is not a number', () => {
    expect(formatInteger(NaN)).toBe('?');
    expect(formatInteger(Infinity)).toBe('?');
  });
});

describe('formatShape', () => {
  it('joins dimensions with ×', () => {
    expect(formatShape([891, 12])).toBe('891 × 12');
    expect(formatShape([1000000, 3])).toBe('1,000,000 × 3');
    expect(formatShape([5])).toBe('5');
    expect(formatShape([2, 3, 224, 224])).toBe('2 × 3 × 224 × 224');
  });

  it('marks unknown dimensions and 0-d arrays', () => {
    expect(formatShape([null, 3])).toBe('? × 3');
    expect(formatShape([])).toBe('scalar');
  });

  it('is empty without a shape', () => {
    expect(formatShape(null)).toBe('');
    expect(formatShape(undefined)).toBe('');
  });
});

describe('formatBytes', () => {
  it('uses powers of 1024', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(85536)).toBe('84 KiB');
    expect(formatBytes(10.3 * 1024 * 1024)).toBe('10 MiB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GiB');
  });

  it('does not show 1024 of a unit', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MiB');
  });

  it('is empty for unknown memory', () => {
    expect(formatBytes(null)).toBe('');
    expect(formatBytes(undefined)).toBe('');
    expect(formatBytes(-1)).toBe('');
    expect(formatBytes(NaN)).toBe('');
  });
});

describe('formatTime', () => {
  it('gives the local time as HH:MM:SS', () => {
    expect(formatTime(new Date(2026, 0, 2, 3, 4, 5).getTime())).toBe(
      '03:04:05'
    );
    expect(formatTime(new Date(2026, 0, 2, 23, 59, 58).getTime())).toBe(
      '23:59:58'
    );
  });

  it('is empty without a time', () => {
    expect(formatTime(null)).toBe('');
  });
});

describe('formatDuration', () => {
  it('uses ms below a second, s above', () => {
    expect(formatDuration(1.84)).toBe('1.8 ms');
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(null)).toBe('');
  });
});

describe('shortType', () => {
  it('keeps the last part of a qualified name', () => {
    expect(shortType('pandas.core.frame.DataFrame')).toBe('DataFrame');
    expect(shortType('ndarray')).toBe('ndarray');
    expect(shortType('odd.')).toBe('odd.');
  });
});

describe('publicType', () => {
  it('drops private modules and keeps the class', () => {
    expect(publicType('sklearn.ensemble._forest.RandomForestClassifier')).toBe(
      'sklearn.ensemble.RandomForestClassifier'
    );
    expect(publicType('pandas.DataFrame')).toBe('pandas.DataFrame');
    expect(publicType('mod._Private')).toBe('mod._Private');
    expect(publicType('ndarray')).toBe('ndarray');
    expect(publicType('odd.')).toBe('odd.');
  });
});

describe('splitTicks', () => {
  it('splits text on paired backticks', () => {
    expect(splitTicks('`income` in train is 70% missing')).toEqual([
      { text: 'income', code: true },
      { text: ' in train is 70% missing', code: false }
    ]);
    expect(splitTicks('a `b` c `d`')).toEqual([
      { text: 'a ', code: false },
      { text: 'b', code: true },
      { text: ' c ', code: false },
      { text: 'd', code: true }
    ]);
    expect(splitTicks('one ` tick')).toEqual([
      { text: 'one ` tick', code: false }
    ]);
    expect(splitTicks('')).toEqual([]);
  });
});

describe('formatList', () => {
  it('caps long lists', () => {
    expect(formatList([0, 1, 2])).toBe('0, 1, 2');
    expect(formatList(['a', 'b', 'c'], 2)).toBe('a, b, … (+1)');
    expect(formatList(['a', 'b'], 10, 5000)).toBe('a, b, … (+4,998)');
  });
});
