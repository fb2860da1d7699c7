/* render.h: draws Push-T scenes into RGB buffers (goal T, block, agent, action target, walls) and
 * writes them as PNG or animated GIF (libgd). The renderer works from a 5-d state alone, so the
 * physics never depends on it; colours follow the reference PushTEnv (pygame named colours). */
#ifndef FLOWCHUNK_RENDER_H
#define FLOWCHUNK_RENDER_H

#include <stdint.h>

/* draw the table (512 x 512 px world) scaled to size x size pixels into rgb (size, size, 3),
 * rows top to bottom, 2x2 supersampled; state = [agent_x, agent_y, block_x, block_y, angle];
 * action = the agent's target (x, y) drawn as a red cross, or NULL */
void render_frame(uint8_t *rgb, int size, const double state[5], const double *action);

/* overlay primitives on an RGB buffer (size, size, 3) in pixel coordinates, clipped to it:
 * a filled disc of radius r (a ring when r_in > 0) and a thick line of half-width w */
void render_disc(uint8_t *rgb, int size, double cx, double cy, double r, double r_in, const uint8_t colour[3]);
void render_line(uint8_t *rgb, int size, double x0, double y0, double x1, double y1, double w,
                 const uint8_t colour[3]);

/* write an RGB buffer (size, size, 3) as PNG; 0 on success, -1 (errno set) on failure */
int render_png_write(const char *path, const uint8_t *rgb, int size);

/* an animated GIF written frame by frame (each frame gets its own 256-colour palette) */
typedef struct RenderGif RenderGif;
/* NULL (errno set) when the file cannot be created; delay_cs = time per frame in 1/100 s */
RenderGif *render_gif_create(const char *path, int size, int delay_cs);
int render_gif_add(RenderGif *gif, const uint8_t *rgb);
/* finishes and closes the file; 0 on success, -1 if any write failed */
int render_gif_destroy(RenderGif *gif);

#endif
