"""Performance reports: PDF (fpdf2, imported only when a PDF is built), CSV and standalone SVG charts."""
