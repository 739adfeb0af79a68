// Class names of the console's form controls (plain Tailwind, the shell's colours), shared by every section.
export const inputCls = "rounded-md border border-line bg-white px-2.5 py-1.5 text-sm outline-none focus:border-accent focus:ring-2 focus:ring-accent/20";
export const primaryBtn =
  "rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent disabled:opacity-60";
export const secondaryBtn = "rounded-md border border-line bg-white px-2.5 py-1 text-sm hover:bg-panel focus-visible:outline-2 focus-visible:outline-accent disabled:opacity-60";
export const dangerBtn = "rounded-md border border-danger/40 bg-white px-2.5 py-1 text-sm text-danger hover:bg-danger/5 focus-visible:outline-2 focus-visible:outline-danger disabled:opacity-60";
