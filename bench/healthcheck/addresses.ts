/** Real i of the bench → a distinct loopback address 127.10.x.y (1 ≤ y ≤ 250), all served by one nginx. */
export function realAddress(i: number): string {
  return `127.${10 + Math.floor(i / 62500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;
}
