// Colours: the viridis sequential map (for time and density) and a
// categorical palette (for distinct clouds).
#ifndef ADVECT_CLIENT_PLOT_COLORMAP_H_
#define ADVECT_CLIENT_PLOT_COLORMAP_H_

namespace advect::plot {

struct Rgb {
  double r = 0, g = 0, b = 0;  // each in [0, 1]
};

// Viridis at t in [0, 1] (clamped): dark purple at 0, yellow at 1.
Rgb Viridis(double t);

// The k-th colour of a ten-colour categorical palette (cycled).
Rgb Categorical(int k);

inline constexpr Rgb kBlack{0, 0, 0};
inline constexpr Rgb kWhite{1, 1, 1};
inline constexpr Rgb kGray{0.45, 0.45, 0.45};
inline constexpr Rgb kLightGray{0.88, 0.88, 0.88};

}  // namespace advect::plot

#endif  // ADVECT_CLIENT_PLOT_COLORMAP_H_
