print("leaklab-host")
