/*
 * The float32 tanh kernels of pytree4j's gradient plans (org.pytree4j.grad.NativeTanh): the forward
 * tanh (alone or after its bias add) and tanh_bp, further down.
 *
 * libnd4j's float32 tanh as pytree4j's plans compute it: the operations
 * of org.pytree4j.grad.FloatTanh, the Java port, element for element, so the same bits; eight elements
 * at a time where the CPU has AVX2, one at a time otherwise. Built with -ffp-contract=off: no product
 * and sum may fuse into an FMA, as none does in Java.
 *
 * tanh(x) = sign(x) * ((1 - p) / (1 + p)), p = glibc's powf((float) e, -2|x|): log2 of the base is a
 * constant, then exp2 of y * log2(e) from a table of 2^(i/32) and a cubic, rounded once to float.
 * |x| is capped at 9, where the result is already +-1 (p < 2^-25), which keeps the table index of
 * huge inputs in range; a NaN passes the cap and comes out NaN.
 */
#include <immintrin.h>
#include <jni.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* 2^(i/32), i = 0..31, as glibc's exp2f table holds them: the bits minus i << 47. */
static const uint64_t EXP2_TABLE[32] = {
    0x3ff0000000000000ULL, 0x3fefd9b0d3158574ULL, 0x3fefb5586cf9890fULL, 0x3fef9301d0125b51ULL,
    0x3fef72b83c7d517bULL, 0x3fef54873168b9aaULL, 0x3fef387a6e756238ULL, 0x3fef1e9df51fdee1ULL,
    0x3fef06fe0a31b715ULL, 0x3feef1a7373aa9cbULL, 0x3feedea64c123422ULL, 0x3feece086061892dULL,
    0x3feebfdad5362a27ULL, 0x3feeb42b569d4f82ULL, 0x3feeab07dd485429ULL, 0x3feea47eb03a5585ULL,
    0x3feea09e667f3bcdULL, 0x3fee9f75e8ec5f74ULL, 0x3feea11473eb0187ULL, 0x3feea589994cce13ULL,
    0x3feeace5422aa0dbULL, 0x3feeb737b0cdc5e5ULL, 0x3feec49182a3f090ULL, 0x3feed503b23e255dULL,
    0x3feee89f995ad3adULL, 0x3feeff76f2fb5e47ULL, 0x3fef199bdd85529cULL, 0x3fef3720dcef9069ULL,
    0x3fef5818dcfba487ULL, 0x3fef7c97337b9b5fULL, 0x3fefa4afa2a490daULL, 0x3fefd0765b6e4540ULL};
#define C0 0x1.c6af84b912394p-5
#define C1 0x1.ebfce50fac4f3p-3
#define C2 0x1.62e42ff0c52d6p-1
#define SHIFT (0x1.8p52 / 32)
#define LOG2_E 0x1.715475968e9b3p0
#define CAP 9.0f

static void tanh_scalar(const float *x, float *out, long n) {
  for (long i = 0; i < n; i++) {
    float v = x[i];
    float a = fabsf(v);
    a = a > CAP ? CAP : a;
    double ylogx = (double)(a * -2.0f) * LOG2_E;
    double kd = ylogx + SHIFT;
    uint64_t ki, bits;
    memcpy(&ki, &kd, sizeof ki);
    double r = ylogx - (kd - SHIFT);
    bits = EXP2_TABLE[ki & 31] + (ki << 47);
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    float p = (float)(((C0 * r + C1) * (r * r) + (C2 * r + 1)) * scale);
    out[i] = copysignf(1.0f, v) * ((1 - p) / (1 + p));
  }
}

/* p for four floats, in double as glibc computes it. */
__attribute__((target("avx2"))) static inline __m128 exp_avx2(__m128 y) {
  const __m256d shift = _mm256_set1_pd(SHIFT);
  __m256d ylogx = _mm256_mul_pd(_mm256_cvtps_pd(y), _mm256_set1_pd(LOG2_E));
  __m256d kd = _mm256_add_pd(ylogx, shift);
  __m256i ki = _mm256_castpd_si256(kd);
  __m256d r = _mm256_sub_pd(ylogx, _mm256_sub_pd(kd, shift));
  __m256i t = _mm256_i64gather_epi64((const long long *)EXP2_TABLE, _mm256_and_si256(ki, _mm256_set1_epi64x(31)), 8);
  __m256d scale = _mm256_castsi256_pd(_mm256_add_epi64(t, _mm256_slli_epi64(ki, 47)));
  __m256d z = _mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(C0), r), _mm256_set1_pd(C1));
  __m256d q = _mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(C2), r), _mm256_set1_pd(1.0));
  return _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(z, _mm256_mul_pd(r, r)), q), scale));
}

__attribute__((target("avx2"))) static void tanh_avx2(const float *x, float *out, long n) {
  const __m256 one = _mm256_set1_ps(1.0f), sign_bit = _mm256_set1_ps(-0.0f);
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_loadu_ps(x + i);
    /* min(CAP, a) is a when a is NaN: MINPS returns its second operand then */
    __m256 a = _mm256_min_ps(_mm256_set1_ps(CAP), _mm256_andnot_ps(sign_bit, v));
    __m256 y = _mm256_mul_ps(a, _mm256_set1_ps(-2.0f));
    __m256 p = _mm256_set_m128(exp_avx2(_mm256_extractf128_ps(y, 1)), exp_avx2(_mm256_castps256_ps128(y)));
    __m256 th = _mm256_div_ps(_mm256_sub_ps(one, p), _mm256_add_ps(one, p));
    __m256 sign = _mm256_or_ps(one, _mm256_and_ps(sign_bit, v));
    _mm256_storeu_ps(out + i, _mm256_mul_ps(sign, th));
  }
  tanh_scalar(x + i, out + i, n - i);
}

/* out[i] = tanh(in[i]) for i < n; in and out are native addresses of float32 arrays (may be equal). */
JNIEXPORT void JNICALL Java_org_pytree4j_grad_NativeTanh_tanh(JNIEnv *env, jclass cls, jlong in, jlong out, jlong n) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) {
    tanh_avx2((const float *)(intptr_t)in, (float *)(intptr_t)out, n);
  } else {
    tanh_scalar((const float *)(intptr_t)in, (float *)(intptr_t)out, n);
  }
}

/*
 * A bias add and the tanh of its result (KernelStep.biasTanh): sum = x + b, b added to each of the
 * rows x cols matrix's rows (libnd4j's broadcast add: one float addition an element), then
 * out = tanh(sum), row by row while the row is in cache. sum is written too, for any other reader.
 */
JNIEXPORT void JNICALL Java_org_pytree4j_grad_NativeTanh_biasTanh(
    JNIEnv *env, jclass cls, jlong x, jlong b, jlong sum, jlong out, jlong rows, jlong cols) {
  __builtin_cpu_init();
  int avx2 = __builtin_cpu_supports("avx2");
  const float *bias = (const float *)(intptr_t)b;
  for (long i = 0; i < rows; i++) {
    const float *xi = (const float *)(intptr_t)x + i * cols;
    float *si = (float *)(intptr_t)sum + i * cols;
    for (long j = 0; j < cols; j++) si[j] = xi[j] + bias[j];
    if (avx2) {
      tanh_avx2(si, (float *)(intptr_t)out + i * cols, cols);
    } else {
      tanh_scalar(si, (float *)(intptr_t)out + i * cols, cols);
    }
  }
}

/*
 * tanh_bp as the plans compute it (KernelStep.TanhBackward): out = g * (1 - th * th) from the forward
 * pass's th, and, when sums is not null, the column sums of out (rows x cols, c order) added row by
 * row, so each column is summed in row order as libnd4j's reduction along dimension 0 sums it. The
 * loops are the Java kernel's, in its order; the compiler vectorizes them across columns, which
 * changes no element's operations.
 */
#define TANH_BP_BODY                                               \
  for (long i = 0; i < rows; i++) {                                \
    const float *t = th + i * cols, *d = g + i * cols;             \
    float *o = out + i * cols;                                     \
    for (long j = 0; j < cols; j++) {                              \
      float v = d[j] * (1.0f - t[j] * t[j]);                       \
      o[j] = v;                                                    \
      if (sums) sums[j] += v;                                      \
    }                                                              \
  }

__attribute__((target("avx2"))) static void tanh_bp_avx2(
    const float *th, const float *g, float *out, float *sums, long rows, long cols) {
  TANH_BP_BODY
}

static void tanh_bp_sse2(const float *th, const float *g, float *out, float *sums, long rows, long cols) {
  TANH_BP_BODY
}

/*
 * out = g * (1 - th * th) over rows x cols floats; when sums is not 0, also the column sums of out,
 * into the cols floats there. Native addresses of float32 memory; out may be g.
 */
JNIEXPORT void JNICALL Java_org_pytree4j_grad_NativeTanh_backward(
    JNIEnv *env, jclass cls, jlong th, jlong g, jlong out, jlong sums, jlong rows, jlong cols) {
  if (sums) memset((void *)(intptr_t)sums, 0, 4 * (size_t)cols);
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) {
    tanh_bp_avx2((const float *)(intptr_t)th, (const float *)(intptr_t)g, (float *)(intptr_t)out,
        (float *)(intptr_t)sums, rows, cols);
  } else {
    tanh_bp_sse2((const float *)(intptr_t)th, (const float *)(intptr_t)g, (float *)(intptr_t)out,
        (float *)(intptr_t)sums, rows, cols);
  }
}
