/* plot.c: learning-curve PNG with gnuplot (http://gnuplot.info/docs_5.4/Gnuplot_5_4.pdf).
 * metrics.jsonl is parsed with cJSON into two whitespace tables (step loss; step score success)
 * and a small script draws the loss on a log y axis (left) and the evaluation score and success
 * rate in [0,1] on the right axis. pngcairo gives anti-aliased output; the libgd `png` terminal
 * is the fallback when gnuplot was built without cairo. */
#include "plot.h"
#include "flowchunk/check.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* converts metrics.jsonl into loss.dat and eval.dat; counts the rows of each */
static int plot_tables(const char *metrics, const char *loss_dat, const char *eval_dat, int *n_loss, int *n_eval) {
    FILE *in = fopen(metrics, "r");
    if (!in) return fc_set_error("%s: cannot read", metrics);
    FILE *fl = fopen(loss_dat, "w"), *fe = fopen(eval_dat, "w");
    if (!fl || !fe) {
        fclose(in);
        if (fl) fclose(fl);
        if (fe) fclose(fe);
        return fc_set_error("%s: cannot write the plot tables", loss_dat);
    }
    *n_loss = *n_eval = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, in) > 0) {
        cJSON *o = cJSON_Parse(line);
        if (!o) continue;
        cJSON *step = cJSON_GetObjectItem(o, "step"), *loss = cJSON_GetObjectItem(o, "loss");
        cJSON *es = cJSON_GetObjectItem(o, "eval_step"), *score = cJSON_GetObjectItem(o, "score");
        cJSON *succ = cJSON_GetObjectItem(o, "success_rate"), *kind = cJSON_GetObjectItem(o, "kind");
        if (cJSON_IsNumber(step) && cJSON_IsNumber(loss) && loss->valuedouble > 0) {
            fprintf(fl, "%.0f %.9g\n", step->valuedouble, loss->valuedouble);
            (*n_loss)++;
        }
        /* the final evaluation of the best checkpoint would plot a point out of order */
        int best = cJSON_IsString(kind) && strcmp(kind->valuestring, "final_best") == 0;
        if (cJSON_IsNumber(es) && cJSON_IsNumber(score) && !best) {
            fprintf(fe, "%.0f %.6g %.6g\n", es->valuedouble, score->valuedouble,
                    cJSON_IsNumber(succ) ? succ->valuedouble : 0.0);
            (*n_eval)++;
        }
        cJSON_Delete(o);
    }
    free(line);
    fclose(in);
    int bad = fclose(fl) | fclose(fe);
    if (bad) return fc_set_error("%s: cannot write the plot tables", loss_dat);
    if (*n_loss == 0) return fc_set_error("%s: no training steps logged", metrics);
    return FC_OK;
}

/* writes the gnuplot script for `terminal` and runs it; 0 when gnuplot succeeded */
static int plot_run(const char *script, const char *terminal, const char *out_png, const char *title,
                    const char *loss_dat, const char *eval_dat, int n_eval) {
    FILE *f = fopen(script, "w");
    if (!f) return -1;
    fprintf(f, "set terminal %s size 1000,600%s\n", terminal, strcmp(terminal, "pngcairo") == 0 ? " font 'Sans,10'" : "");
    fprintf(f, "set output '%s'\n", out_png);
    fprintf(f, "set title \"%s\" noenhanced\n", title);
    fprintf(f, "set xlabel 'step'\nset ylabel 'training loss (log scale)'\nset logscale y\n"
               "set grid xtics ytics\nset key outside top center horizontal\n");
    if (n_eval > 0) {
        fprintf(f, "set y2label 'evaluation score / success rate'\nset y2range [0:1]\nset y2tics 0.1\n"
                   "set ytics nomirror\n");
        fprintf(f,
                "plot '%s' using 1:2 with lines lw 1.5 lc rgb '#1f77b4' title 'training loss', "
                "'%s' using 1:2 axes x1y2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#d62728' title 'eval score', "
                "'%s' using 1:3 axes x1y2 with linespoints pt 5 ps 0.6 lw 1 dt 2 lc rgb '#2ca02c' title 'success rate'\n",
                loss_dat, eval_dat, eval_dat);
    } else {
        fprintf(f, "plot '%s' using 1:2 with lines lw 1.5 lc rgb '#1f77b4' title 'training loss'\n", loss_dat);
    }
    fclose(f);
    char cmd[8800];
    snprintf(cmd, sizeof cmd, "gnuplot '%s' >/dev/null 2>&1", script);
    int rc = system(cmd);
    return (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0) ? 0 : -1;
}

int plot_learning_curve(const char *run_dir, const char *out_png, const char *title) {
    char dir[4200], metrics[4200], loss_dat[4300], eval_dat[4300], script[4300];
    snprintf(dir, sizeof dir, "%s/plot", run_dir);
    snprintf(metrics, sizeof metrics, "%s/metrics.jsonl", run_dir);
    snprintf(loss_dat, sizeof loss_dat, "%s/loss.dat", dir);
    snprintf(eval_dat, sizeof eval_dat, "%s/eval.dat", dir);
    snprintf(script, sizeof script, "%s/curve.gp", dir);
    if (mkdir(dir, 0755) != 0) {
        struct stat st;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return fc_set_error("%s: cannot create directory", dir);
    }
    int n_loss = 0, n_eval = 0;
    if (plot_tables(metrics, loss_dat, eval_dat, &n_loss, &n_eval) != FC_OK) return FC_ERR;
    if (plot_run(script, "pngcairo", out_png, title, loss_dat, eval_dat, n_eval) == 0) return FC_OK;
    if (plot_run(script, "png", out_png, title, loss_dat, eval_dat, n_eval) == 0) return FC_OK;
    return fc_set_error("gnuplot failed to draw %s (is gnuplot installed? see %s)", out_png, script);
}
