namespace Its.Plots;
