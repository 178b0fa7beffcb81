/* date.c - date normalisation for the clean stage's metadata (meta.h): ISO 8601 variants and
 * RFC 2822 dates from meta tags, microdata, JSON-LD and <time> become RFC 3339 timestamps for
 * the "published_at" field of cleaned records.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "meta.h"

static int parse_num(const char **p, int digits, int *out)
{
    int v = 0;
    for (int i = 0; i < digits; i++) {
        if (!isdigit((unsigned char)(*p)[i])) {
            return -1;
        }
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += digits;
    *out = v;
    return 0;
}

static int month_index(const char *s)
{
    static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int i = 0; i < 12; i++) {
        if (!strncasecmp(s, months[i], 3)) {
            return i + 1;
        }
    }
    return 0;
}

static int write_date(char *out, size_t out_size, int y, int mo, int d, int h, int mi, int s,
                      const char *frac, size_t fraclen, const char *zone)
{
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y < 1000) {
        return -1;
    }
    if (fraclen > 9) {
        fraclen = 9;
    }
    int w = snprintf(out, out_size, "%04d-%02d-%02dT%02d:%02d:%02d%s%.*s%s", y, mo, d, h, mi, s,
                     fraclen ? "." : "", (int)fraclen, frac ? frac : "", zone);
    return (w < 0 || (size_t)w >= out_size) ? -1 : 0;
}

/* Zone after a time: Z, +HH:MM, +HHMM, +HH, or nothing (taken as UTC). */
static int parse_zone(const char *p, char *zone, size_t zsize)
{
    while (*p == ' ') {
        p++;
    }
    if (*p == 'Z' || *p == 'z' || *p == '\0' || !strncasecmp(p, "UTC", 3) ||
        !strncasecmp(p, "GMT", 3)) {
        snprintf(zone, zsize, "Z");
        return 0;
    }
    if (*p != '+' && *p != '-') {
        return -1;
    }
    char sign = *p++;
    int zh = 0, zm = 0;
    if (parse_num(&p, 2, &zh)) {
        return -1;
    }
    if (*p == ':') {
        p++;
    }
    if (isdigit((unsigned char)*p) && parse_num(&p, 2, &zm)) {
        return -1;
    }
    if (zh > 23 || zm > 59) {
        return -1;
    }
    snprintf(zone, zsize, "%c%02d:%02d", sign, zh, zm);
    return 0;
}

/* RFC 2822: "Tue, 04 Mar 2025 10:00:00 +0000" (weekday optional). */
static int date_rfc2822(const char *p, char *out, size_t out_size)
{
    int d = 0, mo, y = 0, h = 0, mi = 0, s = 0;
    if (isalpha((unsigned char)*p)) {
        while (*p && *p != ',' && *p != ' ') {
            p++;
        }
        while (*p == ',' || *p == ' ') {
            p++;
        }
    }
    if (!isdigit((unsigned char)p[0]) || parse_num(&p, isdigit((unsigned char)p[1]) ? 2 : 1, &d) ||
        *p++ != ' ') {
        return -1;
    }
    if (!(mo = month_index(p))) {
        return -1;
    }
    while (isalpha((unsigned char)*p)) {
        p++;
    }
    if (*p++ != ' ' || parse_num(&p, 4, &y)) {
        return -1;
    }
    char zone[16] = "Z";
    if (*p == ' ' && isdigit((unsigned char)p[1])) {
        p++;
        if (parse_num(&p, 2, &h) || *p++ != ':' || parse_num(&p, 2, &mi)) {
            return -1;
        }
        if (*p == ':') {
            p++;
            if (parse_num(&p, 2, &s)) {
                return -1;
            }
        }
        if (parse_zone(p, zone, sizeof(zone))) {
            return -1;
        }
    }
    return write_date(out, out_size, y, mo, d, h, mi, s, NULL, 0, zone);
}

int nf_meta_date_rfc3339(const char *in, char *out, size_t out_size)
{
    const char *p = in;
    while (*p == ' ') {
        p++;
    }
    int y, mo, d, h = 0, mi = 0, s = 0;
    const char *frac = NULL;
    size_t fraclen = 0;
    char zone[16] = "Z";
    if (strlen(p) < 10 || !isdigit((unsigned char)p[0]) || p[4] != '-') {
        return date_rfc2822(p, out, out_size);
    }
    if (parse_num(&p, 4, &y) || *p++ != '-' || parse_num(&p, 2, &mo) || *p++ != '-' ||
        parse_num(&p, 2, &d)) {
        return -1;
    }
    if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
        p++;
        if (parse_num(&p, 2, &h) || *p++ != ':' || parse_num(&p, 2, &mi)) {
            return -1;
        }
        if (*p == ':') {
            p++;
            if (parse_num(&p, 2, &s)) {
                return -1;
            }
            if (*p == '.' || *p == ',') {
                frac = ++p;
                while (isdigit((unsigned char)*p)) {
                    p++;
                }
                fraclen = (size_t)(p - frac);
            }
        }
        if (parse_zone(p, zone, sizeof(zone))) {
            return -1;
        }
    }
    return write_date(out, out_size, y, mo, d, h, mi, s, frac, fraclen, zone);
}
