#include "client/plot/colormap.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace advect::plot {
namespace {

// Viridis sampled at nine evenly spaced points; linear in between.
constexpr std::array<Rgb, 9> kViridis = {{{0.267, 0.005, 0.329},
                                          {0.283, 0.141, 0.458},
                                          {0.254, 0.265, 0.530},
                                          {0.207, 0.372, 0.553},
                                          {0.164, 0.471, 0.558},
                                          {0.128, 0.567, 0.551},
                                          {0.135, 0.659, 0.518},
                                          {0.369, 0.789, 0.383},
                                          {0.993, 0.906, 0.144}}};

constexpr std::array<Rgb, 10> kPalette = {{{0.122, 0.467, 0.706},
                                           {1.000, 0.498, 0.055},
                                           {0.173, 0.627, 0.173},
                                           {0.839, 0.153, 0.157},
                                           {0.580, 0.404, 0.741},
                                           {0.549, 0.337, 0.294},
                                           {0.890, 0.467, 0.761},
                                           {0.498, 0.498, 0.498},
                                           {0.737, 0.741, 0.133},
                                           {0.090, 0.745, 0.812}}};

}  // namespace

Rgb Viridis(double t) {
  if (!(t > 0.0)) return kViridis.front();  // also NaN
  if (t >= 1.0) return kViridis.back();
  const double s = t * (kViridis.size() - 1);
  const int k = std::min(static_cast<int>(s), static_cast<int>(kViridis.size()) - 2);
  const double u = s - k;
  const Rgb& a = kViridis[k];
  const Rgb& b = kViridis[k + 1];
  return {a.r + u * (b.r - a.r), a.g + u * (b.g - a.g), a.b + u * (b.b - a.b)};
}

Rgb Categorical(int k) {
  const int n = static_cast<int>(kPalette.size());
  return kPalette[((k % n) + n) % n];
}

}  // namespace advect::plot
