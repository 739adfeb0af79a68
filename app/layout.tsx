import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { inter, mono } from "./fonts";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Charter", template: "%s · Charter" },
  description: "Govern the requirements your Codex agents enforce.",
  icons: { icon: { url: "/icon.svg", type: "image/svg+xml" } },
};

// Light and dark follow the system (prefers-color-scheme); form controls and scrollbars follow too.
export const viewport: Viewport = { colorScheme: "light dark", width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={`${inter.variable} ${mono.variable}`}>
      <body className="font-sans antialiased">
        <a href="#main" className="skip-link">Skip to content</a>
        {children}
      </body>
    </html>
  );
}
