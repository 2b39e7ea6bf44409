#!/usr/bin/env Rscript
# Writes examples/data/cps1985.csv and examples/data/hmda.csv from the AER package's data sets, so
# that tests and examples read committed CSV files and CI needs no R.
#   apt-get install r-base-core r-cran-aer
#   Rscript tools/make_fairness_data.R
# CPS1985: 534 workers from the 1985 Current Population Survey (wage, education, gender, ethnicity …).
# HMDA: 2,380 Boston mortgage applications (Munnell et al. 1996): denial, debt ratios, credit history,
# and whether the applicant is African American (afam).
suppressPackageStartupMessages(library(AER))
args <- commandArgs(trailingOnly = FALSE)
script <- normalizePath(sub("^--file=", "", args[grep("^--file=", args)]))
out <- file.path(dirname(script), "..", "examples", "data")
dir.create(out, showWarnings = FALSE, recursive = TRUE)
data("CPS1985", package = "AER")
data("HMDA", package = "AER")
# HMDA stores its ratios as float32 values (0.221000003814697): 7 significant digits keep them exactly.
HMDA[] <- lapply(HMDA, function(col) if (is.numeric(col)) signif(col, 7) else col)
write.csv(CPS1985, file.path(out, "cps1985.csv"), row.names = FALSE, quote = FALSE)
write.csv(HMDA, file.path(out, "hmda.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", normalizePath(file.path(out, c("cps1985.csv", "hmda.csv"))), sep = "\n")
