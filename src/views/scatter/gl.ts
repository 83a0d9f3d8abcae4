/*
 * The WebGL renderer: every point in one draw call (gl.POINTS, a size
 * uniform, colours from a 256 × 1 palette texture indexed by the point's
 * colour code), and density images drawn as one textured quad. Buffers are
 * uploaded when the data changes, never per frame.
 */
import { Bounds, clipTransform, ICamera } from './camera';
import { IRenderer } from './renderer';

const POINT_VS = `
attribute float a_x;
attribute float a_y;
attribute float a_c;
attribute float a_s;
uniform vec4 u_t;
uniform float u_size;
uniform float u_dim;
varying float v_c;
varying float v_a;
void main() {
  gl_Position = vec4(a_x * u_t.x + u_t.z, a_y * u_t.y + u_t.w, 0.0, 1.0);
  gl_PointSize = u_size;
  v_c = a_c;
  v_a = (u_dim > 0.5 && a_s < 0.5) ? 0.15 : 1.0;
}`;

const POINT_FS = `
precision mediump float;
uniform sampler2D u_palette;
uniform float u_alpha;
varying float v_c;
varying float v_a;
uniform float u_round;
void main() {
  if (u_round > 0.5 && length(gl_PointCoord - vec2(0.5)) > 0.5) {
    discard;
  }
  vec4 c = texture2D(u_palette, vec2((v_c + 0.5) / 256.0, 0.5));
  float a = c.a * v_a * u_alpha;
  gl_FragColor = vec4(c.rgb * a, a);
}`;

const IMAGE_VS = `
attribute vec2 a_corner;
uniform vec4 u_rect;
varying vec2 v_uv;
void main() {
  v_uv = vec2(a_corner.x, 1.0 - a_corner.y);
  gl_Position = vec4(mix(u_rect.x, u_rect.z, a_corner.x), mix(u_rect.y, u_rect.w, a_corner.y), 0.0, 1.0);
}`;

const IMAGE_FS = `
precision mediump float;
uniform sampler2D u_image;
varying vec2 v_uv;
void main() {
  gl_FragColor = texture2D(u_image, v_uv);
}`;

function compile(gl: WebGLRenderingContext, vs: string, fs: string): WebGLProgram {
  const program = gl.createProgram()!;
  for (const [type, source] of [
    [gl.VERTEX_SHADER, vs],
    [gl.FRAGMENT_SHADER, fs]
  ] as Array<[number, string]>) {
    const shader = gl.createShader(type)!;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) {
      throw new Error(`shader: ${gl.getShaderInfoLog(shader) ?? ''}`);
    }
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
    throw new Error(`program: ${gl.getProgramInfoLog(program) ?? ''}`);
  }
  return program;
}

export class GLRenderer implements IRenderer {
  readonly kind = 'webgl';
  private gl: WebGLRenderingContext;
  private points: WebGLProgram;
  private image: WebGLProgram;
  private buffers: { x: WebGLBuffer; y: WebGLBuffer; c: WebGLBuffer; s: WebGLBuffer; quad: WebGLBuffer };
  /** Buffers of drawSubset (the points in view, compacted), and how many points they hold room for. */
  private subset: { x: WebGLBuffer; y: WebGLBuffer; c: WebGLBuffer; s: WebGLBuffer; capacity: number };
  private palette: WebGLTexture;
  private imageTextures: [WebGLTexture, WebGLTexture];
  private imageSizes: Array<[number, number]> = [
    [0, 0],
    [0, 0]
  ];
  private count = 0;
  private pixel = new Uint8Array(4);
  private selectedLength = 0;
  private transform = new Float32Array(4);
  private loc: {
    x: number;
    y: number;
    c: number;
    s: number;
    t: WebGLUniformLocation | null;
    size: WebGLUniformLocation | null;
    dim: WebGLUniformLocation | null;
    alpha: WebGLUniformLocation | null;
    round: WebGLUniformLocation | null;
    palette: WebGLUniformLocation | null;
    corner: number;
    rect: WebGLUniformLocation | null;
    image: WebGLUniformLocation | null;
  };

  /** A renderer on `canvas`, or null when WebGL is not available (jsdom, a blocked GPU). */
  static create(canvas: HTMLCanvasElement): GLRenderer | null {
    let gl: WebGLRenderingContext | null = null;
    try {
      gl = canvas.getContext('webgl', {
        antialias: false,
        alpha: true,
        premultipliedAlpha: true,
        depth: false,
        stencil: false,
        preserveDrawingBuffer: false
      }) as WebGLRenderingContext | null;
    } catch {
      gl = null;
    }
    if (!gl) {
      return null;
    }
    try {
      return new GLRenderer(gl);
    } catch {
      return null;
    }
  }

  private constructor(gl: WebGLRenderingContext) {
    this.gl = gl;
    this.points = compile(gl, POINT_VS, POINT_FS);
    this.image = compile(gl, IMAGE_VS, IMAGE_FS);
    const buffer = () => gl.createBuffer()!;
    this.buffers = { x: buffer(), y: buffer(), c: buffer(), s: buffer(), quad: buffer() };
    this.subset = { x: buffer(), y: buffer(), c: buffer(), s: buffer(), capacity: 0 };
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.quad);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);
    const texture = () => {
      const t = gl.createTexture()!;
      gl.bindTexture(gl.TEXTURE_2D, t);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      return t;
    };
    this.palette = texture();
    this.imageTextures = [texture(), texture()];
    const p = this.points;
    const q = this.image;
    this.loc = {
      x: gl.getAttribLocation(p, 'a_x'),
      y: gl.getAttribLocation(p, 'a_y'),
      c: gl.getAttribLocation(p, 'a_c'),
      s: gl.getAttribLocation(p, 'a_s'),
      t: gl.getUniformLocation(p, 'u_t'),
      size: gl.getUniformLocation(p, 'u_size'),
      dim: gl.getUniformLocation(p, 'u_dim'),
      alpha: gl.getUniformLocation(p, 'u_alpha'),
      round: gl.getUniformLocation(p, 'u_round'),
      palette: gl.getUniformLocation(p, 'u_palette'),
      corner: gl.getAttribLocation(q, 'a_corner'),
      rect: gl.getUniformLocation(q, 'u_rect'),
      image: gl.getUniformLocation(q, 'u_image')
    };
    gl.disable(gl.DEPTH_TEST);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA); // premultiplied
  }

  get lost(): boolean {
    return this.gl.isContextLost();
  }

  /** Upload the points (in the order they are drawn) and clear any selection. */
  setPoints(xs: Float32Array, ys: Float32Array, cs: Uint8Array, selected: Uint8Array): void {
    const gl = this.gl;
    this.count = xs.length;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.x);
    gl.bufferData(gl.ARRAY_BUFFER, xs, gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.y);
    gl.bufferData(gl.ARRAY_BUFFER, ys, gl.STATIC_DRAW);
    this.setColors(cs);
    this.setSelected(selected);
  }

  setColors(cs: Uint8Array): void {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.c);
    gl.bufferData(gl.ARRAY_BUFFER, cs, gl.STATIC_DRAW);
  }

  /** 1 for the selected points (drawn fully; the rest dimmed when `dim` is set in drawPoints). */
  setSelected(selected: Uint8Array): void {
    const gl = this.gl;
    this.selectedLength = selected.length;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.s);
    gl.bufferData(gl.ARRAY_BUFFER, selected, gl.DYNAMIC_DRAW);
  }

  /** The 256 × RGBA palette (0..255). */
  setPalette(palette: Uint8Array): void {
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, this.palette);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 256, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, palette);
  }

  /** Size the drawing buffer to the canvas and clear it. */
  begin(pixelWidth: number, pixelHeight: number): void {
    const gl = this.gl;
    gl.viewport(0, 0, pixelWidth, pixelHeight);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
  }

  /** Points [start, start + count) of the uploaded ones, in one draw call. */
  drawPoints(
    cam: ICamera,
    start: number,
    count: number,
    size: number,
    alpha: number,
    dim: boolean
  ): void {
    if (count <= 0 || start + count > this.count || this.selectedLength !== this.count) {
      return;
    }
    this.draw(this.buffers, cam, start, count, size, alpha, dim);
  }

  drawSubset(
    cam: ICamera,
    xs: Float32Array,
    ys: Float32Array,
    cs: Uint8Array,
    selected: Uint8Array,
    count: number,
    size: number,
    alpha: number,
    dim: boolean
  ): void {
    const b = this.subset;
    if (count <= 0) {
      return;
    }
    const grow = count > b.capacity;
    this.upload(b.x, xs, count, grow);
    this.upload(b.y, ys, count, grow);
    this.upload(b.c, cs, count, grow);
    this.upload(b.s, selected, count, grow);
    if (grow) {
      b.capacity = xs.length;
    }
    this.draw(b, cam, 0, count, size, alpha, dim);
  }

  /** The first `count` values into a buffer (all of the array, the buffer's new size, when it grows). */
  private upload(buffer: WebGLBuffer, data: Float32Array | Uint8Array, count: number, grow: boolean): void {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    if (grow) {
      gl.bufferData(gl.ARRAY_BUFFER, data, gl.DYNAMIC_DRAW);
    } else {
      gl.bufferSubData(gl.ARRAY_BUFFER, 0, data.subarray(0, count));
    }
  }

  private draw(
    buffers: { x: WebGLBuffer; y: WebGLBuffer; c: WebGLBuffer; s: WebGLBuffer },
    cam: ICamera,
    start: number,
    count: number,
    size: number,
    alpha: number,
    dim: boolean
  ): void {
    const gl = this.gl;
    const loc = this.loc;
    gl.useProgram(this.points);
    this.attribute(loc.x, buffers.x, gl.FLOAT);
    this.attribute(loc.y, buffers.y, gl.FLOAT);
    this.attribute(loc.c, buffers.c, gl.UNSIGNED_BYTE);
    this.attribute(loc.s, buffers.s, gl.UNSIGNED_BYTE);
    gl.uniform4fv(loc.t, clipTransform(cam, this.transform));
    gl.uniform1f(loc.size, size);
    gl.uniform1f(loc.dim, dim ? 1 : 0);
    gl.uniform1f(loc.alpha, alpha);
    gl.uniform1f(loc.round, size >= 4 ? 1 : 0); // small points stay squares: cheaper, and as legible
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.palette);
    gl.uniform1i(loc.palette, 0);
    gl.drawArrays(gl.POINTS, start, count);
    gl.disableVertexAttribArray(loc.x);
    gl.disableVertexAttribArray(loc.y);
    gl.disableVertexAttribArray(loc.c);
    gl.disableVertexAttribArray(loc.s);
  }

  private attribute(index: number, buffer: WebGLBuffer, type: number): void {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.enableVertexAttribArray(index);
    gl.vertexAttribPointer(index, 1, type, false, 0, 0);
  }

  /** Upload an RGBA image (premultiplied), reusing the texture's storage when the size is the same. */
  setImage(pixels: Uint8Array, width: number, height: number, slot: 0 | 1 = 0): void {
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, this.imageTextures[slot]);
    const size = this.imageSizes[slot];
    if (size[0] === width && size[1] === height) {
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    } else {
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, width, height, 0, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
      this.imageSizes[slot] = [width, height];
    }
    const pow2 = (width & (width - 1)) === 0 && (height & (height - 1)) === 0;
    if (slot === 1 && pow2) {
      // the overview is drawn smaller than it is: mipmaps average its pixels instead of skipping them
      gl.generateMipmap(gl.TEXTURE_2D);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR_MIPMAP_LINEAR);
    }
  }

  /** The image of a slot over `bounds` (data coordinates) as seen through `cam`. */
  drawImage(cam: ICamera, bounds: Bounds, slot: 0 | 1 = 0): void {
    const gl = this.gl;
    const t = clipTransform(cam, this.transform);
    gl.useProgram(this.image);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.quad);
    gl.enableVertexAttribArray(this.loc.corner);
    gl.vertexAttribPointer(this.loc.corner, 2, gl.FLOAT, false, 0, 0);
    gl.uniform4f(
      this.loc.rect,
      bounds[0] * t[0] + t[2],
      bounds[2] * t[1] + t[3],
      bounds[1] * t[0] + t[2],
      bounds[3] * t[1] + t[3]
    );
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.imageTextures[slot]);
    gl.uniform1i(this.loc.image, 0);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.disableVertexAttribArray(this.loc.corner);
  }

  /**
   * Wait until the frame is drawn (for timing). gl.finish() does not wait in
   * Chromium (the GPU process runs the commands later); reading one pixel back does.
   */
  finish(): void {
    this.gl.readPixels(0, 0, 1, 1, this.gl.RGBA, this.gl.UNSIGNED_BYTE, this.pixel);
  }

  dispose(): void {
    this.gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
