// The JavaScript loop nest shared by the convolution and pooling kernels: output positions
// (oy, ox) of one plane, and within each the kernel taps (ky, kx) whose input position lies inside
// the image (padding is skipped: it reads as 0, or never wins a max). The order is the reference's
// (src/graph/ops/window.ts: eachTap), so sums are added in the same order.
import { js, type Code, type Name } from "../code.js";

export interface WindowGeometry {
  readonly h: Code | number;
  readonly w: Code | number;
  readonly oh: Code | number;
  readonly ow: Code | number;
  readonly kh: Code | number;
  readonly kw: Code | number;
  readonly stride: number;
  readonly pad: number;
}

export interface TapNames {
  /** The output position's flat index in its plane, oy·ow + ox. */
  readonly o: Name;
  /** The tap's flat index in the kernel, ky·kw + kx. */
  readonly k: Name;
  /** The input position's flat index in its plane, iy·w + ix. */
  readonly i: Name;
}

/**
 * `perOutput(inner)` wraps the taps of each output position (declare an accumulator before the
 * taps, store it after); `tap` runs for each tap inside the image.
 */
export function windowLoops(
  g: WindowGeometry,
  local: (hint: string) => Name,
  tap: (t: TapNames) => Code,
  perOutput: (taps: Code, o: Name) => Code = (taps) => taps,
): Code {
  const [oy, ox, ky, kx, iy, ix] = [local("oy"), local("ox"), local("ky"), local("kx"), local("iy"), local("ix")];
  const t: TapNames = { o: local("o"), k: local("k"), i: local("i") };
  const taps = js`for (let ${ky} = 0; ${ky} < ${g.kh}; ${ky}++) {
      const ${iy} = ${oy} * ${g.stride} - ${g.pad} + ${ky};
      if (${iy} < 0 || ${iy} >= ${g.h}) continue;
      for (let ${kx} = 0; ${kx} < ${g.kw}; ${kx}++) {
        const ${ix} = ${ox} * ${g.stride} - ${g.pad} + ${kx};
        if (${ix} < 0 || ${ix} >= ${g.w}) continue;
        const ${t.k} = ${ky} * ${g.kw} + ${kx};
        const ${t.i} = ${iy} * ${g.w} + ${ix};
        ${tap(t)}
      }
    }`;
  return js`for (let ${oy} = 0; ${oy} < ${g.oh}; ${oy}++) for (let ${ox} = 0; ${ox} < ${g.ow}; ${ox}++) {
      const ${t.o} = ${oy} * ${g.ow} + ${ox};
      ${perOutput(taps, t.o)}
    }`;
}
