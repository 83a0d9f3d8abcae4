/* The part of react-dom/client we use (its types are not a dependency). */
declare module 'react-dom/client' {
  import type * as React from 'react';
  export interface Root {
    render(children: React.ReactNode): void;
    unmount(): void;
  }
  export function createRoot(container: Element | DocumentFragment): Root;
}
