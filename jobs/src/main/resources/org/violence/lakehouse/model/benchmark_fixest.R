#!/usr/bin/Rscript
# The benchmark-models comparison: fixest::fepois (the field's reference, fixest's defaults but
# fixef.rm = "both", i.e. singletons dropped as the lakehouse does) on the rows the lakehouse
# fitted, exported by ModelBenchmark as CSV with columns y, offset, x1..xk, fe0...
# R and fixest install offline with jobs/r/install.sh /opt/rlib (ModelBenchmark runs it first).
# Prints "seconds,<best fepois time of 10>" then "x<j>,<estimate>" per regressor.
suppressMessages(library(fixest))
setFixest_nthreads(1)
args <- commandArgs(trailingOnly = TRUE)
files <- list.files(args[1], pattern = "^part-.*\\.csv$", full.names = TRUE)
data <- do.call(rbind, lapply(files, read.csv, colClasses = "character"))
for (col in names(data)) {
  if (!startsWith(col, "fe")) data[[col]] <- as.numeric(data[[col]])
}
regressors <- grep("^x[0-9]+$", names(data), value = TRUE)
effects <- grep("^fe[0-9]+$", names(data), value = TRUE)
formula <- as.formula(paste("y ~", paste(regressors, collapse = " + "), "|",
                            paste(effects, collapse = " + ")))
seconds <- Inf
for (i in 1:10) {
  t <- system.time(fit <- fepois(formula, data, offset = ~offset, fixef.rm = "both",
                                 notes = FALSE))[["elapsed"]]
  seconds <- min(seconds, t)
}
cat(sprintf("seconds,%.3f\n", seconds))
for (x in regressors) cat(sprintf("%s,%.17g\n", x, coef(fit)[[x]]))
