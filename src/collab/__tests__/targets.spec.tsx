/*
 * Comments on findings, the selection and the groups: the panel and the
 * board draw the collaboration plugin's decoration after each finding and
 * after the selection's and the group-by's chips, and a finding's target is
 * its kind, variables (and column), not its place in the list, so a thread
 * finds its finding again after the findings are computed again.
 */
import * as React from 'react';
import { act } from 'react';

import { Findings } from '../../components/suggestions';
import { ComponentRegistry } from '../../registry';
import { IFinding } from '../../tokens';
import { BoardView, setBoardDecorator } from '../../widgets/board';
import { IStage, mountStage, trans, unmountStage } from '../../__tests__/render';
import { findingTarget, groupTarget, selectionTarget } from '../components';

const finding = (kind: string, column: string, message: string): IFinding => ({
  kind,
  severity: 'medium',
  variables: ['people'],
  message,
  component: 'summary',
  params: {},
  evidence: { column }
});

describe('comment targets', () => {
  it('names a finding by kind, variables and column, whatever its place and message', () => {
    const before = [finding('constant_column', 'country', '`country` holds one value'), finding('constant_column', 'city', 'x')];
    const after = [finding('id_like', 'id', 'y'), finding('constant_column', 'country', '`country` holds one value (again)')];
    expect(findingTarget(after[1]).ref).toBe(findingTarget(before[0]).ref);
    expect(findingTarget(before[0]).ref).toBe('constant_column:people:country');
    expect(findingTarget(before[1]).ref).not.toBe(findingTarget(before[0]).ref);
    expect(findingTarget({ kind: 'duplicates', variables: ['a', 'b'], message: 'm' }).ref).toBe('duplicates:a,b');
    expect(selectionTarget({ label: 'true 1, predicted 0', component: 'confusion' })).toEqual({
      kind: 'selection',
      ref: 'true 1, predicted 0',
      label: 'true 1, predicted 0'
    });
    expect(groupTarget({ column: 'sex' })).toEqual({ kind: 'group', ref: 'sex', label: 'sex' });
  });
});

describe('decorations after findings and chips', () => {
  let stage: IStage;
  beforeEach(() => {
    stage = mountStage();
  });
  afterEach(() => unmountStage(stage));

  it('draws the decoration after the selection and group-by chips, and after each finding', () => {
    const { board, root, host } = stage;
    const registry = new ComponentRegistry();
    setBoardDecorator(board, {
      chip: kind => <button className="test-chipComments" data-kind={kind} />,
      finding: f => <button className="test-findingComments" data-ref={findingTarget(f).ref} />
    });
    board.open({ component: 'summary', variables: ['people'], params: {} });
    board.setGroups({ column: 'sex' });
    board.setSelection({ component: 'confusion', variables: ['y'], params: {}, spec: {}, label: 'true 1', });
    const findings = [finding('constant_column', 'country', 'c'), finding('id_like', 'id', 'i')];
    act(() =>
      root.render(
        <>
          <Findings findings={findings} registry={registry} trans={trans} onOpen={() => undefined} decorate={f => <button className="test-findingComments" data-ref={findingTarget(f).ref} />} />
          <BoardView board={board} registry={registry} trans={trans} />
        </>
      )
    );
    const chips = [...host.querySelectorAll('.test-chipComments')].map(b => b.getAttribute('data-kind'));
    expect(chips.sort()).toEqual(['group', 'selection']);
    // Each right after its chip.
    expect(host.querySelector('.jp-SymphonyBoard-groups + .test-chipComments')).not.toBeNull();
    expect(host.querySelector('.jp-SymphonyBoard-selection + .test-chipComments')).not.toBeNull();
    const refs = [...host.querySelectorAll('.jp-SymphonyPanel-finding + .test-findingComments')].map(b => b.getAttribute('data-ref'));
    expect(refs).toEqual(['constant_column:people:country', 'id_like:people:id']);
    setBoardDecorator(board, null);
  });
});
