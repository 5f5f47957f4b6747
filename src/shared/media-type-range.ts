/** A media type or range as a route lists it: `type/subtype`, either of them `*`, no parameters. */
export const MEDIA_RANGE = /^(?:\*|[!#$%&'+.^_`|~0-9A-Za-z-]+)\/(?:\*|[!#$%&'+.^_`|~0-9A-Za-z-]+)$/;

/** `application/xml` of `Application/XML; charset=utf-8`: the type and subtype, lower-case, without parameters. */
export function mediaTypeEssence(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim().toLowerCase();
}

/** Whether a Content-Type is one of `ranges` (`application/xml`, `text/*`, `*\/*`), in any case. */
export function inMediaRanges(contentType: string, ranges: readonly string[]): boolean {
  const [type, subtype] = mediaTypeEssence(contentType).split('/');
  if (!type || !subtype) return false;
  return ranges.some((range) => {
    const [rangeType, rangeSubtype] = mediaTypeEssence(range).split('/');
    return (rangeType === '*' || rangeType === type) && (rangeSubtype === '*' || rangeSubtype === subtype);
  });
}
