/** Flowdeck's mark: the sidebar's logo and the sign-in card's. */
export function BrandMark() {
  return (
    <span className="flex size-7 items-center justify-center rounded-md bg-accent-600 text-white shadow-sm">
      <svg viewBox="0 0 24 24" className="size-4" fill="none" stroke="currentColor" strokeWidth="2.2" aria-hidden>
        <circle cx="5" cy="6" r="2" />
        <circle cx="5" cy="18" r="2" />
        <circle cx="19" cy="12" r="2" />
        <path d="M7 6h3a3 3 0 0 1 3 3v0a3 3 0 0 0 3 3h1M7 18h3a3 3 0 0 0 3-3v0a3 3 0 0 1 3-3" />
      </svg>
    </span>
  );
}
