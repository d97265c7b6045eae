-- Neovim's own LSP client drives `ward lsp` on a CloudFormation template:
-- the open SSH port must show as a diagnostic with the rule's id on the
-- ingress's line, and go once the template is fixed. Run by check.sh with
-- WARD (the binary) and ROOT (a scratch folder holding template.yaml).
local ward = assert(os.getenv("WARD"), "WARD names the ward binary")
local root = assert(os.getenv("ROOT"), "ROOT names the scratch folder")

local function fail(message)
  io.stderr:write("neovim: " .. message .. "\n")
  vim.cmd("cquit 1")
end

local client = vim.lsp.start_client({
  name = "ward",
  cmd = { ward, "lsp" },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = "repo" } },
  init_options = { ward = { stdlibDirectory = root .. "/.stdlib" } },
})
if not client then
  fail("ward lsp did not start")
end

vim.cmd("edit " .. root .. "/template.yaml")
local buffer = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buffer, client)

local function finding()
  for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
    if diagnostic.code == "WARD-NET-001" then
      return diagnostic
    end
  end
  return nil
end

if not vim.wait(60000, function() return finding() ~= nil end, 50) then
  fail("no WARD-NET-001 diagnostic in the template")
end
local found = finding()
-- 0-based line 6 is `        - CidrIp: 0.0.0.0/0`.
if found.lnum ~= 6 then
  fail("the finding is on line " .. found.lnum .. ", not on the ingress's line 6")
end
if found.severity ~= vim.diagnostic.severity.ERROR then
  fail("a high-severity finding should be an error")
end
print("neovim: " .. found.code .. " on line " .. (found.lnum + 1) .. ": " .. found.message)

-- Fix the template in the buffer (not saved): the finding goes.
vim.api.nvim_buf_set_lines(buffer, 6, 7, false, { "        - CidrIp: 10.0.0.0/8" })
if not vim.wait(60000, function() return finding() == nil end, 50) then
  fail("the finding stayed after the fix")
end
print("neovim: the finding is gone after the fix\n")
vim.lsp.stop_client(client)
vim.cmd("qall!")
