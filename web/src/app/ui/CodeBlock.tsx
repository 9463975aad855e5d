// A block of code to read and copy: wrapped (long lines break anywhere rather than hide behind
// anything), scrollable past a few lines, focusable so it scrolls from the keyboard too.
export function CodeBlock(p: { code: string; label: string; testid?: string }) {
  return (
    <pre class="code-block" data-testid={p.testid} tabIndex={0} role="region" aria-label={p.label}>
      <code>{p.code}</code>
    </pre>
  );
}
