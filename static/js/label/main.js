// The labeling workspace's entry module: the task logic first, then every kind of
// control and object, which register themselves on CL.
import "./label.js";
import "./choices.js";
import "./spans.js";
import "./image.js";
import "./audio.js";
import "./textarea.js";
import "./rating.js";
