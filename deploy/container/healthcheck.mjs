// The image's HEALTHCHECK: exits 0 when /healthz answers 200 within 2 s (the image has no curl).
const port = process.env.PORT || '8080';
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
