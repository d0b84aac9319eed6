# Writes the two R files of tests/Its.Cli.Tests/OwnData with R's own write.csv (row names on, so
# the first column is unnamed; months as Date class): r-write-csv.csv from the series of
# plain.csv, and r-write-csv-na.csv with the outcome of 2016-10 NA. The series is read from
# plain.csv (written by own_data.py), so both files hold exactly its numbers.
#
# Run from the repository root, after own_data.py:
#     Rscript tests/reference/own_data.R

folder <- file.path("tests", "Its.Cli.Tests", "OwnData")
plain <- read.csv(file.path(folder, "plain.csv"), colClasses = c("character", "numeric", "numeric"))
series <- data.frame(
  month = as.Date(paste0(plain$month, "-01")),
  admissions = plain$admissions,
  population = plain$population
)
write.csv(series, file.path(folder, "r-write-csv.csv"))

missing <- series
missing$admissions[missing$month == as.Date("2016-10-01")] <- NA
write.csv(missing, file.path(folder, "r-write-csv-na.csv"))

# Both files read back must hold exactly the series (and the one NA).
back <- read.csv(file.path(folder, "r-write-csv.csv"), row.names = 1)
stopifnot(identical(back$admissions, series$admissions), identical(as.numeric(back$population), series$population),
          identical(as.Date(back$month), series$month))
back <- read.csv(file.path(folder, "r-write-csv-na.csv"), row.names = 1)
stopifnot(identical(back$admissions, missing$admissions), sum(is.na(back$admissions)) == 1)
