// For the benchmark only: marks the floor's page painted, two animation frames after its
// load (as Vivier marks its board), so that both can also be compared at their first paint.
addEventListener('load', () =>
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('floor:painted'))),
);
