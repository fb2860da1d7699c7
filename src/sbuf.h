/* sbuf.h: a growable byte string for building text documents (the HTML report, SVG plots):
 * printf-style appends, HTML escaping and base64 (RFC 4648) for embedding binary files.
 * Allocation failures are fatal (check.h tier 1). Implemented in src/sbuf.c. */
#ifndef FLOWCHUNK_SBUF_H
#define FLOWCHUNK_SBUF_H

#include <stddef.h>

typedef struct {
    char *s;      /* NUL-terminated; NULL before the first append */
    size_t len;   /* bytes, without the NUL */
    size_t cap;
} Sbuf;

void sbuf_free(Sbuf *b);
void sbuf_put(Sbuf *b, const char *s);
void sbuf_putn(Sbuf *b, const char *s, size_t n);
void sbuf_printf(Sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with & < > " ' escaped, for HTML text and attribute values */
void sbuf_put_html(Sbuf *b, const char *s);
/* n bytes as base64 (no line breaks), for data: URIs */
void sbuf_put_base64(Sbuf *b, const unsigned char *p, size_t n);
/* writes b to path through path.tmp.<pid> + rename, so a reader never sees half a file;
 * FC_OK or FC_ERR + fc_set_error */
int sbuf_write_atomic(const Sbuf *b, const char *path);

#endif
