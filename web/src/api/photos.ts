// The permit holder's photo (本人相片, 《居住证暂行条例》第四条): sent as the file itself
// (image/jpeg or image/png, at most 512 KiB, 100-2000 px a side), read back as a blob with
// the reading reason (every read is audited). Only the desk may take or see one.
import { http, request } from './http'
import type { Photo } from './types'

export interface PhotoAnswer {
  person_id: number
  photo: Photo
  /** Earlier photos of the person that no card shows, deleted. */
  replaced: number
}

export function uploadPersonPhoto(personId: number, file: Blob) {
  return request<PhotoAnswer>(`/api/v1/persons/${personId}/photo`, {
    method: 'POST',
    raw: { data: file, type: file.type },
  })
}

/** The person's current photo. */
export function getPersonPhoto(personId: number, reason: string) {
  return http.blob(`/api/v1/persons/${personId}/photo`, { reason })
}

/** The photo on the permit's card (before it is made: the holder's current photo). */
export function getPermitPhoto(permitId: number, reason: string) {
  return http.blob(`/api/v1/permits/${permitId}/photo`, { reason })
}
