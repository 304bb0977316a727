// The ID photo as the permit prints it: 26 × 32 mm, made here 358 × 441 pixels (the
// resident ID card's photo size), cut from the middle of whatever the camera or the file
// gives and encoded as JPEG. Re-encoding also leaves behind what a camera writes into its
// files (time, place); the server checks the result again and drops any such data itself.

export const PHOTO_WIDTH = 358
export const PHOTO_HEIGHT = 441
/** Files larger than this are not even opened (the photo sent is far smaller). */
export const PHOTO_SOURCE_MAX = 20 * 1024 * 1024

/** Read a file the user chose as a picture; rejects with a Chinese message. */
export async function readPicture(file: File): Promise<ImageBitmap> {
  if (!/^image\/(jpeg|png)$/.test(file.type)) throw new Error('请选择 JPEG 或 PNG 格式的相片')
  if (file.size > PHOTO_SOURCE_MAX) throw new Error('相片文件过大，请选择20 MB以内的相片')
  try {
    return await createImageBitmap(file)
  } catch {
    throw new Error('无法读取该图像文件，请选择 JPEG 或 PNG 格式的相片')
  }
}

/** The ID photo cut from `source` (w × h pixels), as a JPEG blob. */
export function toIdPhoto(source: CanvasImageSource, w: number, h: number): Promise<Blob> {
  const canvas = document.createElement('canvas')
  canvas.width = PHOTO_WIDTH
  canvas.height = PHOTO_HEIGHT
  const ctx = canvas.getContext('2d')
  if (!ctx || w <= 0 || h <= 0) return Promise.reject(new Error('无法处理该相片'))
  // The largest 358:441 rectangle in the middle of the picture.
  const want = PHOTO_WIDTH / PHOTO_HEIGHT
  let sw = w
  let sh = h
  if (w / h > want) sw = Math.round(h * want)
  else sh = Math.round(w / want)
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, PHOTO_WIDTH, PHOTO_HEIGHT)
  ctx.drawImage(source, (w - sw) / 2, (h - sh) / 2, sw, sh, 0, 0, PHOTO_WIDTH, PHOTO_HEIGHT)
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('无法生成相片'))), 'image/jpeg', 0.92),
  )
}
