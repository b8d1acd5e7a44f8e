// The n8n-nodes-starter's Prettier settings (github.com/n8n-io/n8n-nodes-starter, .prettierrc.js),
// so the code reads like every other community node. `npm run lint` checks them.
module.exports = {
	semi: true,
	trailingComma: 'all',
	bracketSpacing: true,
	useTabs: true,
	tabWidth: 2,
	arrowParens: 'always',
	singleQuote: true,
	quoteProps: 'as-needed',
	endOfLine: 'lf',
	printWidth: 100,
};
