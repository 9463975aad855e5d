// Brand colour → readable text colours (WCAG contrast ≥ 4.5:1).

const lum = (hex: string) => {
  const c = [1, 3, 5].map((i) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
};

export const contrast = (a: string, b: string) => {
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

export const DEFAULT_COLOR = "#1a73e8";

export function palette(color: string | undefined) {
  const accent = /^#[0-9a-f]{6}$/i.test(color ?? "") ? color!.toLowerCase() : DEFAULT_COLOR;
  // Black or white on the brand colour, whichever contrasts more (always ≥ 4.58).
  const onAccent = contrast(accent, "#ffffff") >= contrast(accent, "#000000") ? "#ffffff" : "#000000";
  // The brand colour as text on white, darkened until readable.
  let text = accent;
  for (let i = 0; i < 20 && contrast(text, "#ffffff") < 4.5; i++) {
    text =
      "#" +
      [1, 3, 5]
        .map((j) => Math.floor(parseInt(text.slice(j, j + 2), 16) * 0.85).toString(16).padStart(2, "0"))
        .join("");
  }
  return { accent, onAccent, text };
}
