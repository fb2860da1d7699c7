# HTML reports (src/report*.c, plot*.c, runlog.c, cmd_report.c): real short runs on the Push-T
# demonstrations (or the scripted expert's where the zarr is absent), their reports opened in
# headless Chromium with no network (no console message, the plotted points = the metrics lines,
# a screenshot that is not blank), a two-run comparison, a tiny 2 sizes x 2 seeds study, and the
# partial-run / no-evaluation / not-a-run-dir cases. Skips (77) where Chromium cannot start.
fc_add_test_exe(report_png_check report_png_check.c)
target_include_directories(report_png_check PRIVATE ${GD_INCLUDE_DIR})
fc_add_test(report_browser bash ${CMAKE_CURRENT_SOURCE_DIR}/report_browser_test.sh
            $<TARGET_FILE:report_png_check> ${MPIEXEC_EXECUTABLE} ${PROJECT_SOURCE_DIR})
set_tests_properties(report_browser PROPERTIES TIMEOUT 300 LABELS "report")
