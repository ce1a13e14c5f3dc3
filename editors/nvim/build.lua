-- lazy.nvim's build step of gitinspector.nvim: builds the daemon in the gitinspector-lsp
-- checkout this folder belongs to (`bash scripts/setup.sh`, see lua/gitinspector/build.lua).
-- lazy.nvim runs it by itself for a spec with `dir = '…/editors/nvim'`, and for a spec of the
-- whole repository with `build = 'editors/nvim/build.lua'`.
local here = debug.getinfo(1, 'S').source:gsub('^@', '')
local dir = vim.fn.fnamemodify(vim.fn.fnamemodify(here, ':p'), ':h')
return dofile(dir .. '/lua/gitinspector/build.lua').run()
