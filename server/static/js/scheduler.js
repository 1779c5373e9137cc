// The one scheduler. State changes ask for a frame; in it the views are drawn from state, once, however
// many changes came before. Nothing else draws.

let draw = () => {};
let asked = false;

export function drawWith(render) {
  draw = render;
}

export function changed() {
  if (asked) return;
  asked = true;
  requestAnimationFrame(() => {
    asked = false;
    draw();
  });
}
