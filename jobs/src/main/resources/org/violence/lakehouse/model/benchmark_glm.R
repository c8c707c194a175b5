#!/usr/bin/Rscript
# The benchmark-models comparison: R's glm with explicit factor dummies for every fixed effect,
# on the rows the lakehouse fitted (exported by ModelBenchmark as CSV with columns y, offset,
# x1..xk, fe0..). Needs Debian's R: apt-get install -y r-base-core
# Prints "seconds,<fit time>" and then "x<j>,<estimate>" per regressor.
args <- commandArgs(trailingOnly = TRUE)
files <- list.files(args[1], pattern = "^part-.*\\.csv$", full.names = TRUE)
data <- do.call(rbind, lapply(files, read.csv, colClasses = "character"))
for (col in names(data)) {
  if (!startsWith(col, "fe")) data[[col]] <- as.numeric(data[[col]])
}
regressors <- grep("^x[0-9]+$", names(data), value = TRUE)
effects <- grep("^fe[0-9]+$", names(data), value = TRUE)
rhs <- c(regressors, sprintf("factor(%s)", effects), "offset(offset)")
formula <- as.formula(paste("y ~", paste(rhs, collapse = " + ")))
seconds <- system.time(fit <- glm(formula, family = poisson, data = data,
                                  control = glm.control(epsilon = 1e-12, maxit = 100)))[["elapsed"]]
cat(sprintf("seconds,%.3f\n", seconds))
for (x in regressors) cat(sprintf("%s,%.17g\n", x, coef(fit)[[x]]))
