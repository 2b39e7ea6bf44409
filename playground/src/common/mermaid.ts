/**
 * Renders a Mermaid flowchart (from tg.viz) into an element. Mermaid is large, so it is loaded
 * only when a diagram is first drawn, after the page is up.
 */
let counter = 0;

export async function renderMermaid(into: HTMLElement, source: string): Promise<void> {
  const { default: mermaid } = await import("mermaid");
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
  const { svg } = await mermaid.render(`diagram-${++counter}`, source);
  into.innerHTML = svg;
  // Drawn at its natural size (Mermaid shrinks it to the box); a large one scrolls in its box.
  const drawn = into.querySelector("svg");
  const width = drawn?.viewBox.baseVal.width;
  if (drawn && width) Object.assign(drawn.style, { maxWidth: "none", width: `${Math.ceil(width)}px` });
}
