"use strict";
// The compiled add-on (node-gyp's build/Release), built at install against the system MPI.
module.exports = require("./build/Release/tensorgrad_mpi.node");
