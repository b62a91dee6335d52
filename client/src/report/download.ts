/** Saves a canvas as a PNG file through the browser's download. */
export function canvasToBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('canvas.toBlob gave nothing'))), 'image/png'),
  );
}

export async function downloadCanvas(canvas: HTMLCanvasElement, fileName: string): Promise<void> {
  const url = URL.createObjectURL(await canvasToBlob(canvas));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once it started; give it a moment before letting the blob go.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
