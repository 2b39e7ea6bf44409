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
}
