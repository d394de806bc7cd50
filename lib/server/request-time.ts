/**
 * The time a server component renders at. Server components render once per request, so reading
 * the clock here is the request's time, not an impurity that changes between re-renders; pass it
 * down as a prop (relative times then agree across one page).
 */
export function requestTime(): number {
  return Date.now();
}
