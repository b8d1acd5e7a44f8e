// Copies node and credential icons next to the compiled files (tsc does not copy assets).
const path = require('path');
const { finished } = require('stream/promises');
const { task, src, dest } = require('gulp');

function copy(folder) {
	const stream = src(path.resolve(folder, '**', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', folder)),
	);
	return finished(stream);
}

task('build:icons', () => Promise.all([copy('nodes'), copy('credentials')]));
