/*
 * libnd4j's float32 log_softmax and log_softmax_bp along the last dimension of a matrix, as pytree4j's
 * plans compute them (org.pytree4j.grad.NativeLogSoftmax): libnd4j's operations in libnd4j's order,
 * so the same bits. Per row, libnd4j's softmax: the maximum (from -FLT_MAX, max > v ? max : v), each
 * e = expf(x - max) written out and added into the sum in order, then each divided by the sum.
 * log_softmax is then logf of each; log_softmax_bp is g - softmax * (the sum of the row's g, in order).
 * expf and logf are the C library's, as libnd4j's are: both resolve to the same functions in one
 * process, and the Java side uses this only after it matched libnd4j's ops on a probe.
 * Built with -ffp-contract=off, as libnd4j's loops give the same bits without contraction.
 */
#include <float.h>
#include <jni.h>
#include <math.h>
#include <stdint.h>

/* softmax of the n floats at x into out, in libnd4j's order */
static void softmax_row(const float *x, float *out, long n) {
  float max = -FLT_MAX, sum = 0.0f;
  for (long j = 0; j < n; j++) max = max > x[j] ? max : x[j];
  for (long j = 0; j < n; j++) {
    float e = expf(x[j] - max);
    out[j] = e;
    sum += e;
  }
  for (long j = 0; j < n; j++) out[j] /= sum;
}

/* out = log_softmax(x) along the rows of a rows x cols float32 matrix (c order); out may be x. */
JNIEXPORT void JNICALL Java_org_pytree4j_grad_NativeLogSoftmax_logSoftmax(
    JNIEnv *env, jclass cls, jlong x, jlong out, jlong rows, jlong cols) {
  for (long i = 0; i < rows; i++) {
    float *o = (float *)(intptr_t)out + i * cols;
    softmax_row((const float *)(intptr_t)x + i * cols, o, cols);
    for (long j = 0; j < cols; j++) o[j] = logf(o[j]);
  }
}

/* out = log_softmax_bp(x, g) = g - softmax(x) * sum(g) along the rows; out overlaps neither x nor g. */
JNIEXPORT void JNICALL Java_org_pytree4j_grad_NativeLogSoftmax_logSoftmaxBackward(
    JNIEnv *env, jclass cls, jlong x, jlong g, jlong out, jlong rows, jlong cols) {
  for (long i = 0; i < rows; i++) {
    const float *gi = (const float *)(intptr_t)g + i * cols;
    float *o = (float *)(intptr_t)out + i * cols;
    softmax_row((const float *)(intptr_t)x + i * cols, o, cols);
    float sum = 0.0f;
    for (long j = 0; j < cols; j++) sum += gi[j];
    for (long j = 0; j < cols; j++) o[j] = gi[j] - o[j] * sum;
  }
}
