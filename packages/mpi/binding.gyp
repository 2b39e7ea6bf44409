{
  "targets": [
    {
      "target_name": "tensorgrad_mpi",
      "sources": ["src/binding.c"],
      "cflags": ["-O2", "<!@(sh mpi-flags.sh compile)"],
      "libraries": ["<!@(sh mpi-flags.sh link)"]
    }
  ]
}
