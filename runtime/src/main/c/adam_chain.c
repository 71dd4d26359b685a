/*
 * The fused adam step of pytree4j (org.pytree4j.optim.kernels.NativeKernels) in one pass over native memory:
 * an optional clip by a known global norm, adam (optionally Nesterov), optional decayed weights, up
 * to four scales, then p + u; and, before it, the chunked sum of squares that gives a global-norm
 * clip its norm. Each element gets the float32 operations of the Java array kernels in the same
 * order (no contraction into FMA, no reassociation), so the results are the same bits; the loops
 * are vectorized for AVX-512 or AVX2 where the CPU has them (runs_here) and for SSE2 otherwise.
 *
 * In and out pointers may be the same memory (a donated step): element i is read before it is
 * written and no other element is touched, so there is no dependence between iterations (ivdep).
 */
#include <jni.h>
#include <math.h>
#include <stdint.h>

enum { CLIP = 1, NESTEROV = 2, DECAY = 4 };
enum { C_CLIP_NORM, C_CLIP_MAX, C_B1, C_B2, C_ONE_MINUS_B1, C_ONE_MINUS_B2, C_BC1, C_BC2, C_BC1_NEXT, C_EPS,
       C_EPS_ROOT, C_DECAY, C_SCALE0, C_COUNT = C_SCALE0 + 4 };

static inline __attribute__((always_inline)) void adam_chain(
    const float *g, const float *mu_in, const float *nu_in, float *mu_out, float *nu_out,
    const float *p_in, float *p_out, int n, const float *c, int clip, int nesterov, int decay, int scales) {
  const float clip_norm = c[C_CLIP_NORM], clip_max = c[C_CLIP_MAX];
  const float b1 = c[C_B1], b2 = c[C_B2], one_minus_b1 = c[C_ONE_MINUS_B1], one_minus_b2 = c[C_ONE_MINUS_B2];
  const float bc1 = c[C_BC1], bc2 = c[C_BC2], bc1_next = c[C_BC1_NEXT], eps = c[C_EPS], eps_root = c[C_EPS_ROOT];
  const float wd = c[C_DECAY];
  const float s0 = c[C_SCALE0], s1 = c[C_SCALE0 + 1], s2 = c[C_SCALE0 + 2], s3 = c[C_SCALE0 + 3];
#pragma GCC ivdep
  for (int i = 0; i < n; i++) {
    float gi = g[i];
    if (clip) gi = (gi / clip_norm) * clip_max;
    float m = one_minus_b1 * gi + b1 * mu_in[i];
    float v = one_minus_b2 * (gi * gi) + b2 * nu_in[i];
    mu_out[i] = m;
    nu_out[i] = v;
    float m_hat = nesterov ? b1 * (m / bc1_next) + one_minus_b1 * (gi / bc1) : m / bc1;
    float u = m_hat / (sqrtf(v / bc2 + eps_root) + eps);
    if (decay) u = u + wd * p_in[i];
    if (scales > 0) u = u * s0;
    if (scales > 1) u = u * s1;
    if (scales > 2) u = u * s2;
    if (scales > 3) u = u * s3;
    p_out[i] = p_in[i] + u;
  }
}

#define CHAIN(CLIP_, NESTEROV_, DECAY_, SCALES_) \
  adam_chain(g, mu_in, nu_in, mu_out, nu_out, p_in, p_out, n, c, CLIP_, NESTEROV_, DECAY_, SCALES_)
#define BY_SCALES(CLIP_, NESTEROV_, DECAY_)   \
  switch (scales) {                           \
    case 0: CHAIN(CLIP_, NESTEROV_, DECAY_, 0); break; \
    case 1: CHAIN(CLIP_, NESTEROV_, DECAY_, 1); break; \
    case 2: CHAIN(CLIP_, NESTEROV_, DECAY_, 2); break; \
    case 3: CHAIN(CLIP_, NESTEROV_, DECAY_, 3); break; \
    default: CHAIN(CLIP_, NESTEROV_, DECAY_, 4); break; \
  }

/* One loop per combination of the flags, so that none is tested per element. */
#define DISPATCH_ARGS                                                                                \
  const float *g, const float *mu_in, const float *nu_in, float *mu_out, float *nu_out, const float *p_in, \
      float *p_out, int n, const float *c, int flags, int scales
#define DISPATCH_BODY \
  switch (flags & (CLIP | NESTEROV | DECAY)) { \
    case 0: BY_SCALES(0, 0, 0); break; \
    case CLIP: BY_SCALES(1, 0, 0); break; \
    case NESTEROV: BY_SCALES(0, 1, 0); break; \
    case CLIP | NESTEROV: BY_SCALES(1, 1, 0); break; \
    case DECAY: BY_SCALES(0, 0, 1); break; \
    case CLIP | DECAY: BY_SCALES(1, 0, 1); break; \
    case NESTEROV | DECAY: BY_SCALES(0, 1, 1); break; \
    default: BY_SCALES(1, 1, 1); break; \
  }

__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vbmi2")))
static void dispatch_avx512(DISPATCH_ARGS) { DISPATCH_BODY }
__attribute__((target("avx2")))
static void dispatch_avx2(DISPATCH_ARGS) { DISPATCH_BODY }
static void dispatch_sse2(DISPATCH_ARGS) { DISPATCH_BODY }

typedef void (*dispatch_fn)(DISPATCH_ARGS);

/* The loops, narrowest first (NativeKernels.LOOPS). */
enum { LOOP_SSE2, LOOP_AVX2, LOOP_AVX512, LOOPS };
static const dispatch_fn LOOP_FNS[LOOPS] = {dispatch_sse2, dispatch_avx2, dispatch_avx512};

/*
 * Whether this CPU runs the loop, and it is worth running. AVX-512 only from its second generation
 * on (with VBMI2: Ice Lake, Zen 4 and later), which runs it without the first generation's lower
 * clock: on a Zen 5 the 512-bit loop takes half the time of the 256-bit one on data in cache (its
 * three divisions and square root per element are the limit). On the first (Skylake-SP, Cascade
 * Lake) a 512-bit division or square root does no more per cycle than a 256-bit one, at that lower
 * clock.
 */
static int runs_here(int loop) {
  __builtin_cpu_init();
  switch (loop) {
    case LOOP_SSE2: return 1;
    case LOOP_AVX2: return __builtin_cpu_supports("avx2");
    case LOOP_AVX512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
          && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
          && __builtin_cpu_supports("avx512vbmi2");
    default: return 0;
  }
}

static int widest_loop(void) {
  int loop = LOOPS - 1;
  while (!runs_here(loop)) loop--;
  return loop;
}

JNIEXPORT jint JNICALL Java_org_pytree4j_optim_kernels_NativeKernels_widestLoop(JNIEnv *env, jclass cls) {
  return widest_loop();
}

JNIEXPORT jboolean JNICALL Java_org_pytree4j_optim_kernels_NativeKernels_runsHere(JNIEnv *env, jclass cls, jint loop) {
  return runs_here(loop) ? JNI_TRUE : JNI_FALSE;
}

/*
 * SumOfSquares.chunk: the float32 sum of the squares of one chunk (zeros past its elements), four
 * quarter-chunk squares added per position, then halving sums, in the Java loops' order.
 */
enum { CHUNK = 1024 };

static inline __attribute__((always_inline)) float chunk_sum_of_squares(const float *x) {
  float t[CHUNK / 4], u[CHUNK / 8];
  for (int j = 0; j < CHUNK / 4; j++) {
    float x0 = x[j], x1 = x[CHUNK / 4 + j], x2 = x[CHUNK / 2 + j], x3 = x[3 * CHUNK / 4 + j];
    t[j] = (x0 * x0 + x1 * x1) + (x2 * x2 + x3 * x3);
  }
  for (int j = 0; j < 128; j++) u[j] = t[j] + t[j + 128];
  for (int j = 0; j < 64; j++) t[j] = u[j] + u[j + 64];
  for (int j = 0; j < 32; j++) u[j] = t[j] + t[j + 32];
  for (int j = 0; j < 16; j++) t[j] = u[j] + u[j + 16];
  for (int j = 0; j < 8; j++) u[j] = t[j] + t[j + 8];
  return ((u[0] + u[4]) + (u[2] + u[6])) + ((u[1] + u[5]) + (u[3] + u[7]));
}

/* The sums of the chunks of x[0, n), the last one padded with zeros, into out. */
#define CHUNK_SUMS_BODY                                                   \
  for (long c = 0; c * CHUNK < n; c++) {                                  \
    long left = n - c * CHUNK;                                            \
    if (left >= CHUNK) {                                                  \
      out[c] = chunk_sum_of_squares(x + c * CHUNK);                       \
    } else {                                                              \
      float padded[CHUNK] = {0};                                          \
      for (long i = 0; i < left; i++) padded[i] = x[c * CHUNK + i];       \
      out[c] = chunk_sum_of_squares(padded);                              \
    }                                                                     \
  }

typedef void (*chunk_sums_fn)(const float *x, long n, float *out);
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vbmi2")))
static void chunk_sums_avx512(const float *x, long n, float *out) { CHUNK_SUMS_BODY }
__attribute__((target("avx2")))
static void chunk_sums_avx2(const float *x, long n, float *out) { CHUNK_SUMS_BODY }
static void chunk_sums_sse2(const float *x, long n, float *out) { CHUNK_SUMS_BODY }
static const chunk_sums_fn CHUNK_SUMS_FNS[LOOPS] = {chunk_sums_sse2, chunk_sums_avx2, chunk_sums_avx512};

/* Sums of squares of the chunks of the n floats at address, into sums[at ...]; GLOBAL_NORM_CHUNKS at a time. */
enum { GLOBAL_NORM_CHUNKS = 64 };
JNIEXPORT void JNICALL Java_org_pytree4j_optim_kernels_NativeKernels_chunkSumsOfSquares(
    JNIEnv *env, jclass cls, jlong address, jint n, jfloatArray sums, jint at, jint loop_index) {
  if (loop_index < 0 || loop_index >= LOOPS || !runs_here(loop_index)) loop_index = widest_loop();
  const float *x = (const float *)(intptr_t)address;
  float out[GLOBAL_NORM_CHUNKS];
  for (long first = 0; first < n; first += (long)GLOBAL_NORM_CHUNKS * CHUNK) {
    long here = n - first < (long)GLOBAL_NORM_CHUNKS * CHUNK ? n - first : (long)GLOBAL_NORM_CHUNKS * CHUNK;
    CHUNK_SUMS_FNS[loop_index](x + first, here, out);
    (*env)->SetFloatArrayRegion(env, sums, at + (jsize)(first / CHUNK), (jsize)((here + CHUNK - 1) / CHUNK), out);
  }
}

/* One run of the run table: where its inputs lie, and where it starts in the output slabs. */
enum { R_GRADS, R_MU_IN, R_NU_IN, R_PARAMS_IN, R_AT, R_LENGTH, RUN_LONGS };
/* Runs copied out of the Java table at a time, onto the stack. */
enum { RUNS_AT_ONCE = 256 };
/* How many runs ahead the inputs are prefetched, and how many bytes of each: short runs (the leaves of
 * a many-leaf tree, each its own allocation) start where the hardware prefetcher cannot guess, and
 * a run's first lines would otherwise be waited for one run at a time. */
enum { PREFETCH_RUNS = 4, PREFETCH_BYTES = 1024 };

static inline void prefetch_run(const jlong *run) {
  for (int s = R_GRADS; s <= R_PARAMS_IN; s++) {
    const char *at = (const char *)(intptr_t)run[s];
    long bytes = 4L * run[R_LENGTH];
    if (bytes > PREFETCH_BYTES) bytes = PREFETCH_BYTES;
    for (long b = 0; b < bytes; b += 64) __builtin_prefetch(at + b, 0, 3);
  }
}

/*
 * Every run of the table (RUN_LONGS longs each) through the program with loop loop_index (one this
 * CPU runs; the caller checked): the inputs where the run says, the outputs at the run's start in the
 * whole output slabs. One call per part of the pass, however many leaves it covers.
 */
JNIEXPORT void JNICALL Java_org_pytree4j_optim_kernels_NativeKernels_adamChainRuns(
    JNIEnv *env, jclass cls, jlongArray table, jint count, jlong mu_out, jlong nu_out, jlong p_out, jint flags,
    jint scales, jfloatArray coefficients, jint loop_index) {
  if (loop_index < 0 || loop_index >= LOOPS || !runs_here(loop_index)) loop_index = widest_loop();
  dispatch_fn loop = LOOP_FNS[loop_index];
  float c[C_COUNT];
  jlong runs[RUNS_AT_ONCE * RUN_LONGS];
  (*env)->GetFloatArrayRegion(env, coefficients, 0, C_COUNT, c);
  for (jint first = 0; first < count; first += RUNS_AT_ONCE) {
    jint here = count - first < RUNS_AT_ONCE ? count - first : RUNS_AT_ONCE;
    (*env)->GetLongArrayRegion(env, table, (jsize)first * RUN_LONGS, here * RUN_LONGS, runs);
    for (jint r = 0; r < here && r < PREFETCH_RUNS; r++) prefetch_run(runs + r * RUN_LONGS);
    for (jint r = 0; r < here; r++) {
      if (r + PREFETCH_RUNS < here) prefetch_run(runs + (r + PREFETCH_RUNS) * RUN_LONGS);
      const jlong *run = runs + r * RUN_LONGS;
      long at = run[R_AT];
      loop((const float *)(intptr_t)run[R_GRADS], (const float *)(intptr_t)run[R_MU_IN],
           (const float *)(intptr_t)run[R_NU_IN], (float *)(intptr_t)mu_out + at, (float *)(intptr_t)nu_out + at,
           (const float *)(intptr_t)run[R_PARAMS_IN], (float *)(intptr_t)p_out + at, (int)run[R_LENGTH], c, flags,
           scales);
    }
  }
}
