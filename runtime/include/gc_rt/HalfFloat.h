//===- HalfFloat.h - IEEE half and bfloat16 conversions ---------*- C++ -*-===//
//
// Conversions between float and the 16-bit formats of the step ABI
// (GC_STEP_DTYPE_F16, GC_STEP_DTYPE_BF16), rounding to nearest even as
// torch.Tensor.half() and .bfloat16() do, so that a 16-bit tensor the
// runtime initialises holds what PyTorch would store for the same floats.
// Header-only and branch-light; no hardware half type needed. Every function
// is __host__ __device__ under nvcc, so the CUDA kernels and fused kernels
// round exactly as the CPU does.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_HALFFLOAT_H
#define GC_RT_HALFFLOAT_H

#include "gc_rt/HostDevice.h"

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace gc::rt {

GC_RT_HOST_DEVICE inline uint32_t floatBits(float value) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(value);
#else
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
#endif
}

GC_RT_HOST_DEVICE inline float floatFromBits(uint32_t bits) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(bits);
#else
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
#endif
}

/// bfloat16 is float's upper half: round the lower 16 bits to nearest even
/// (NaNs stay quiet NaNs).
GC_RT_HOST_DEVICE inline uint16_t floatToBFloat16(float value) {
  uint32_t bits = floatBits(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((bits >> 16) | 0x40u);
  uint32_t roundingBias = 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + roundingBias) >> 16);
}

GC_RT_HOST_DEVICE inline float bfloat16ToFloat(uint16_t bits) {
  return floatFromBits(static_cast<uint32_t>(bits) << 16);
}

/// IEEE binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits. Values
/// beyond 65504 round to infinity; below 2^-14 they become subnormals,
/// rounded to nearest even.
GC_RT_HOST_DEVICE inline uint16_t floatToHalf(float value) {
  uint32_t bits = floatBits(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u) // NaN: keep it quiet.
    return static_cast<uint16_t>(sign | 0x7e00u);
  if (magnitude >= 0x477ff000u) // Rounds to or beyond 65520: infinity.
    return static_cast<uint16_t>(sign | 0x7c00u);
  if (magnitude < 0x38800000u) { // Below 2^-14: a subnormal half or zero.
    if (magnitude < 0x33000000u) // Below half of the smallest subnormal.
      return sign;
    uint32_t exponent = magnitude >> 23;
    uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
    // value = mantissa * 2^(exponent - 150) = halfMantissa * 2^-24.
    uint32_t shift = 126u - exponent;
    uint32_t halfMantissa = mantissa >> shift;
    uint32_t remainder = mantissa & ((1u << shift) - 1u);
    uint32_t halfway = 1u << (shift - 1u);
    if (remainder > halfway || (remainder == halfway && (halfMantissa & 1u)))
      ++halfMantissa;
    return static_cast<uint16_t>(sign | halfMantissa);
  }
  // Normal: rebias the exponent, round the 13 dropped mantissa bits.
  uint32_t rebiased = magnitude - 0x38000000u; // (127 - 15) << 23
  uint32_t roundingBias = 0xfffu + ((rebiased >> 13) & 1u);
  return static_cast<uint16_t>(sign | ((rebiased + roundingBias) >> 13));
}

GC_RT_HOST_DEVICE inline float halfToFloat(uint16_t half) {
  uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
  uint32_t exponent = (half >> 10) & 0x1fu;
  uint32_t mantissa = half & 0x3ffu;
  if (exponent == 0x1fu) // Infinity or NaN.
    return floatFromBits(sign | 0x7f800000u | (mantissa << 13));
  if (exponent != 0)
    return floatFromBits(sign | ((exponent + 112u) << 23) | (mantissa << 13));
  // Zero or subnormal: mantissa * 2^-24.
  float value = static_cast<float>(mantissa) * (1.0f / 16777216.0f);
  return sign ? -value : value;
}

/// Storage types of a bf16 and an f16 element (the bits, no arithmetic):
/// what the CPU kernels and compiled steps hold in 16-bit buffers. A 16-bit
/// op computes in float and rounds its results once (docs/numerics.md);
/// widen() and narrow() are the two conversions.
struct BFloat16 {
  uint16_t bits;
};
struct Half {
  uint16_t bits;
};
static_assert(sizeof(BFloat16) == 2 && sizeof(Half) == 2,
              "16-bit storage types must be two bytes");

/// Whether T is one of the two 16-bit storage types.
template <typename T>
inline constexpr bool kIsHalfType =
    std::is_same_v<T, BFloat16> || std::is_same_v<T, Half>;

GC_RT_HOST_DEVICE inline float widen(BFloat16 value) {
  return bfloat16ToFloat(value.bits);
}
GC_RT_HOST_DEVICE inline float widen(Half value) {
  return halfToFloat(value.bits);
}

/// `value` rounded to the nearest bf16 / f16, as a float: what a fused kernel
/// keeps in a register for a 16-bit value.
GC_RT_HOST_DEVICE inline float roundToBFloat16(float value) {
  return bfloat16ToFloat(floatToBFloat16(value));
}
GC_RT_HOST_DEVICE inline float roundToHalf(float value) {
  return halfToFloat(floatToHalf(value));
}

/// The 16-bit element nearest to `value` (ties to even).
template <typename T> GC_RT_HOST_DEVICE T narrow(float value);
template <> GC_RT_HOST_DEVICE inline BFloat16 narrow<BFloat16>(float value) {
  return BFloat16{floatToBFloat16(value)};
}
template <> GC_RT_HOST_DEVICE inline Half narrow<Half>(float value) {
  return Half{floatToHalf(value)};
}

/// The type a kernel templated on its storage type T computes in, and the
/// type of a T tensor's statistics (layer norm's mean and rstd, the
/// attention's log-sum-exp): float for the 16-bit types, T otherwise (gc's
/// getAccumulationType). widen() of a float or double is the value itself,
/// and toStorage<T>() converts a computed value back (rounding once for a
/// 16-bit T).
template <typename T>
using AccumulationOf = std::conditional_t<kIsHalfType<T>, float, T>;

GC_RT_HOST_DEVICE inline float widen(float value) { return value; }
GC_RT_HOST_DEVICE inline double widen(double value) { return value; }

template <typename T, typename Value>
GC_RT_HOST_DEVICE inline T toStorage(Value value) {
  if constexpr (kIsHalfType<T>)
    return narrow<T>(static_cast<float>(value));
  else
    return static_cast<T>(value);
}

} // namespace gc::rt

#endif // GC_RT_HALFFLOAT_H
