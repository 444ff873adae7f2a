/** Tessera's mark: a tile (tessera) with a keyhole, drawn inline to keep the CSP strict. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="2" y="2" width="28" height="28" rx="8" className="logo-tile" />
      <path d="M2 16h28M16 2v28" className="logo-grout" />
      <circle cx="16" cy="14" r="3.2" className="logo-hole" />
      <path d="M14.6 16.5h2.8l.9 5.5h-4.6z" className="logo-hole" />
    </svg>
  );
}
