print("leaklab")
