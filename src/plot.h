/* plot.h: the learning-curve PNG of a training run (training loss and evaluation score against
 * the step) drawn by gnuplot from DIR/metrics.jsonl. Implemented in src/plot.c. */
#ifndef FLOWCHUNK_PLOT_H
#define FLOWCHUNK_PLOT_H

/* reads run_dir/metrics.jsonl, writes run_dir/plot/{loss,eval}.dat and curve.gp, runs gnuplot
 * (pngcairo, or png when cairo is missing) to make out_png. FC_OK, or FC_ERR + fc_set_error
 * (no metrics, gnuplot missing or failing): the caller reports it as a warning. */
int plot_learning_curve(const char *run_dir, const char *out_png, const char *title);

#endif
