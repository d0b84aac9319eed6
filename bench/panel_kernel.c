/*
 * The batch-fitting kernel of the kit (Its.Batch.SharedDesign with NeweyWestBatch, error model
 * newey:3) written again in plain C, as a peer for bench/panel.sh: the same algorithm on the same
 * file, so that the table sets the kit's C# kernel against C doing the same arithmetic.
 *
 *   cc -O3 -march=native -std=c11 -pthread -o panel_kernel bench/panel_kernel.c -lm
 *   ./panel_kernel FILE N
 *
 * FILE holds N series of 48 months as raw little-endian float64, series-major (bench/panel_data.py).
 * Model: intercept, time, level1, slope1 with one interruption at month 24 (Stata itsa coding:
 * time = t = 0..47, level1 = t >= 24, slope1 = max(t - 24, 0)); OLS with Newey-West standard errors,
 * lag 3, Bartlett weights 1 - l/4, no prewhitening, the meat scaled by n/(n - k) = 48/44 (R
 * sandwich::NeweyWest(lag = 3, prewhite = FALSE, adjust = TRUE), Stata newey, lag(3)).
 *
 * As SharedDesign: the design is decomposed once by Householder QR, X = QR, and X+ = R^-1 Q' (4 x 48)
 * is kept. For each series y: b = X+ y; e = y - X b; RSS = e'e; the series fails if a value is not
 * finite, RSS is not finite, or the model fits it exactly (LeastSquares.IsExactFit). For each
 * coefficient j the scores are z_t = X+_jt e_t, and
 *   V_jj = (48/44) (sum_t z_t^2 + 2 sum_{l=1..3} (1 - l/4) sum_{t>=l} z_t z_{t-l}),
 * the diagonal of the sandwich (X'X)^-1 X' Omega X (X'X)^-1, since (X'X)^-1 X' = X+; a variance
 * that is not positive and finite fails the series; SE_j = sqrt(V_jj).
 *
 * As bench/Panel (Panel.dll): the file is read in chunks of 16,384 series; each chunk is fitted on
 * 2 threads (the chunk split in two halves); one warm-up chunk is fitted first, untimed; "seconds"
 * counts the fitting only, "wall_seconds" the reading too. Prints one JSON line with Panel.dll's
 * fields: peer, series, seconds, wall_seconds, per_second, peak_mib (getrusage ru_maxrss), failed,
 * level_se_first, sum_level_se (level1's SE summed over the first 1000 series), sum_level (level1's
 * estimate summed over every series), the sums taken in series order as Panel.dll does.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

enum { T = 48, K = 4, BREAK = 24, LAG = 3, CHUNK = 16384, CHECKED = 1000, THREADS = 2, LEVEL = 2 };

/* What became of a series (the subset of UnitStatus this model can give). */
enum status { OK, CONSTANT, INVALID, FAILED };

static double x[K][T];     /* the design, by column */
static double xplus[K][T]; /* X+ = R^-1 Q', by row */
static double weights[LAG + 1];
static double scale;

/* The results of one chunk, series by term as BatchResult keeps them. */
static double estimates[CHUNK * K], std_errors[CHUNK * K], sigmas[CHUNK];
static unsigned char statuses[CHUNK];

/* X, its Householder QR (thin Q), X+ = R^-1 Q' and the rank check of LeastSquares. */
static int decompose(void)
{
    for (int t = 0; t < T; t++) {
        x[0][t] = 1;
        x[1][t] = t;
        x[2][t] = t >= BREAK ? 1 : 0;
        x[3][t] = t >= BREAK ? t - BREAK : 0;
    }
    double a[K][T], v[K][T], r[K][K] = {{0}};
    memcpy(a, x, sizeof a);
    for (int j = 0; j < K; j++) {
        /* Householder vector v_j with (I - 2 v v' / v'v) a_j = (.., alpha, 0, ..). */
        double norm = 0;
        for (int t = j; t < T; t++) norm += a[j][t] * a[j][t];
        norm = sqrt(norm);
        double alpha = a[j][j] > 0 ? -norm : norm;
        double vv = 0;
        for (int t = 0; t < T; t++) v[j][t] = t < j ? 0 : a[j][t];
        v[j][j] -= alpha;
        for (int t = j; t < T; t++) vv += v[j][t] * v[j][t];
        for (int c = j; c < K; c++) {
            double d = 0;
            for (int t = j; t < T; t++) d += v[j][t] * a[c][t];
            for (int t = j; t < T; t++) a[c][t] -= 2 * d / vv * v[j][t];
        }
        for (int c = j; c < K; c++) r[j][c] = a[c][j];
    }
    for (int j = 0; j < K; j++) {
        double norm = 0;
        for (int t = 0; t < T; t++) norm += x[j][t] * x[j][t];
        if (norm == 0 || fabs(r[j][j]) <= 1e-7 * sqrt(norm)) {
            fprintf(stderr, "panel_kernel: the design is singular (column %d)\n", j);
            return 0;
        }
    }
    /* Thin Q = H_0 H_1 .. H_{K-1} [I; 0], column by column. */
    double q[K][T];
    for (int c = 0; c < K; c++) {
        for (int t = 0; t < T; t++) q[c][t] = t == c;
        for (int j = K - 1; j >= 0; j--) {
            double d = 0, vv = 0;
            for (int t = j; t < T; t++) {
                d += v[j][t] * q[c][t];
                vv += v[j][t] * v[j][t];
            }
            for (int t = j; t < T; t++) q[c][t] -= 2 * d / vv * v[j][t];
        }
    }
    /* R X+ = Q', solved by back substitution for each observation t. */
    for (int t = 0; t < T; t++)
        for (int j = K - 1; j >= 0; j--) {
            double s = q[j][t];
            for (int c = j + 1; c < K; c++) s -= r[j][c] * xplus[c][t];
            xplus[j][t] = s / r[j][j];
        }
    for (int l = 0; l <= LAG; l++) weights[l] = 1 - l / (LAG + 1.0);
    scale = (double)T / (T - K);
    return 1;
}

/* LeastSquares.IsExactFit: a constant outcome, or RSS negligible against its variation or size. */
static int exact_fit(const double *y, double rss)
{
    double first = y[0], sum = 0, squares = 0;
    int constant = 1;
    for (int t = 0; t < T; t++) {
        constant &= y[t] == first;
        sum += y[t];
        squares += y[t] * y[t];
    }
    if (constant) return 1;
    double mean = sum / T, total = 0;
    for (int t = 0; t < T; t++) total += (y[t] - mean) * (y[t] - mean);
    return rss <= 1e-20 * total || rss <= 1e-24 * squares;
}

/* One series: SharedDesign.Fit and NeweyWestBatch.Variances. */
static enum status fit(const double *y, double *b, double *se, double *sigma)
{
    double e[T], z[T];
    for (int t = 0; t < T; t++)
        if (!isfinite(y[t])) return INVALID;
    for (int j = 0; j < K; j++) {
        double s = 0;
        for (int t = 0; t < T; t++) s += xplus[j][t] * y[t];
        b[j] = s;
    }
    for (int t = 0; t < T; t++) e[t] = y[t];
    for (int j = 0; j < K; j++)
        for (int t = 0; t < T; t++) e[t] += x[j][t] * -b[j];
    double rss = 0;
    for (int t = 0; t < T; t++) rss += e[t] * e[t];
    if (!isfinite(rss)) return FAILED;
    if (exact_fit(y, rss)) return CONSTANT;
    for (int j = 0; j < K; j++) {
        for (int t = 0; t < T; t++) z[t] = xplus[j][t] * e[t];
        double v = 0;
        for (int t = 0; t < T; t++) v += z[t] * z[t];
        for (int l = 1; l <= LAG && l < T; l++) {
            double d = 0;
            for (int t = l; t < T; t++) d += z[t] * z[t - l];
            v += 2 * weights[l] * d;
        }
        v *= scale;
        if (!(v > 0) || !isfinite(v)) return FAILED;
        se[j] = sqrt(v);
    }
    *sigma = sqrt(rss / (T - K));
    return OK;
}

struct range { const double *y; int from, to; };

static void *fit_range(void *arg)
{
    const struct range *r = arg;
    for (int i = r->from; i < r->to; i++)
        statuses[i] = (unsigned char)fit(r->y + (size_t)i * T, estimates + (size_t)i * K,
                                         std_errors + (size_t)i * K, sigmas + i);
    return NULL;
}

/* Fits count series of y: thread w takes the w-th of THREADS consecutive parts; the caller is thread 0. */
static void fit_chunk(const double *y, int count)
{
    pthread_t threads[THREADS];
    struct range parts[THREADS];
    for (int w = 0; w < THREADS; w++)
        parts[w] = (struct range){y, (int)((long)count * w / THREADS), (int)((long)count * (w + 1) / THREADS)};
    for (int w = 1; w < THREADS; w++)
        if (pthread_create(&threads[w], NULL, fit_range, &parts[w]) != 0) {
            fprintf(stderr, "panel_kernel: cannot start a thread\n");
            exit(1);
        }
    fit_range(&parts[0]);
    for (int w = 1; w < THREADS; w++) pthread_join(threads[w], NULL);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void print_number(const char *name, double v, const char *after)
{
    if (isfinite(v)) printf("\"%s\":%.17g%s", name, v, after);
    else printf("\"%s\":null%s", name, after);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: panel_kernel FILE N\n");
        return 2;
    }
    const char *file = argv[1];
    long n = strtol(argv[2], NULL, 10);
    FILE *f = fopen(file, "rb");
    if (!f) {
        perror(file);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    if (n < 1 || ftell(f) != n * T * (long)sizeof(double)) {
        fprintf(stderr, "%s does not hold %ld series of %d values\n", file, n, T);
        return 2;
    }
    rewind(f);
    if (!decompose()) return 1;

    double *buffer = malloc(sizeof(double) * CHUNK * T);
    if (!buffer) return 1;
    /* Warm-up, untimed, on Panel.dll's warm-up data. */
    for (int i = 0; i < CHUNK * T; i++) buffer[i] = sin(i) + i % T;
    fit_chunk(buffer, CHUNK);

    double seconds = 0, wall = now();
    double sum_level = 0, sum_level_se = 0, first_level_se = NAN;
    long failed = 0, done = 0;
    while (done < n) {
        int count = n - done < CHUNK ? (int)(n - done) : CHUNK;
        if (fread(buffer, sizeof(double) * T, count, f) != (size_t)count) {
            fprintf(stderr, "%s: short read\n", file);
            return 1;
        }
        double started = now();
        fit_chunk(buffer, count);
        seconds += now() - started;
        for (int i = 0; i < count; i++) {
            if (statuses[i] != OK) { failed++; continue; }
            sum_level += estimates[i * K + LEVEL];
            if (done + i < CHECKED) sum_level_se += std_errors[i * K + LEVEL];
            if (done + i == 0) first_level_se = std_errors[i * K + LEVEL];
        }
        done += count;
    }
    wall = now() - wall;
    fclose(f);
    free(buffer);

    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("{\"peer\":\"c kernel newey:3 (%d threads)\",\"series\":%ld,", THREADS, n);
    printf("\"seconds\":%.4f,\"wall_seconds\":%.4f,\"per_second\":%.0f,", seconds, wall, n / seconds);
    printf("\"peak_mib\":%.1f,\"failed\":%ld,", usage.ru_maxrss / 1024.0, failed);
    print_number("level_se_first", first_level_se, ",");
    print_number("sum_level_se", sum_level_se, ",");
    print_number("sum_level", sum_level, "}\n");
    return 0;
}
