/* sbuf.c: growable strings (see sbuf.h). Capacity doubles, so building a report of n bytes
 * costs O(n) copies. */
#include "sbuf.h"
#include "flowchunk/check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void sbuf_reserve(Sbuf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1) cap *= 2;
    char *s = realloc(b->s, cap);
    FC_CHECK(s != NULL, "out of memory growing a %zu-byte document", b->len);
    b->s = s;
    b->cap = cap;
}

void sbuf_free(Sbuf *b) {
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void sbuf_putn(Sbuf *b, const char *s, size_t n) {
    sbuf_reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void sbuf_put(Sbuf *b, const char *s) { sbuf_putn(b, s, strlen(s)); }

void sbuf_printf(Sbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    FC_ASSERT(n >= 0, "sbuf_printf needs a valid format");
    sbuf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sbuf_put_html(Sbuf *b, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&': sbuf_put(b, "&amp;"); break;
        case '<': sbuf_put(b, "&lt;"); break;
        case '>': sbuf_put(b, "&gt;"); break;
        case '"': sbuf_put(b, "&quot;"); break;
        case '\'': sbuf_put(b, "&#39;"); break;
        default: sbuf_putn(b, s, 1);
        }
    }
}

void sbuf_put_base64(Sbuf *b, const unsigned char *p, size_t n) {
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    sbuf_reserve(b, (n + 2) / 3 * 4);
    char *o = b->s + b->len;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        *o++ = A[v >> 18];
        *o++ = A[(v >> 12) & 63];
        *o++ = A[(v >> 6) & 63];
        *o++ = A[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
        *o++ = A[v >> 18];
        *o++ = A[(v >> 12) & 63];
        *o++ = i + 1 < n ? A[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    b->len = (size_t)(o - b->s);
    b->s[b->len] = 0;
}

int sbuf_write_atomic(const Sbuf *b, const char *path) {
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) return fc_set_error("%s: cannot write: %s", tmp, strerror(errno));
    size_t w = b->len ? fwrite(b->s, 1, b->len, f) : 0;
    int bad = w != b->len;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return fc_set_error("%s: cannot write: %s", path, strerror(e));
    }
    return FC_OK;
}
