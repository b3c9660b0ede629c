<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>the model&apos;s maximum, {max} tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{kb} KB of memory per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the model&apos;s maximum, {max} tokens ({share})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{tokens} tokens, as llama.cpp reserves the whole cache at once ({share}; the model supports {max})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{tokens} tokens fit in half of the {free} GB free ({share}; the model supports {max})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{tokens} tokens, as set in the settings (the model&apos;s maximum is {max})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{tokens} tokens, as set in the settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This conversation was saved by a newer version of Desktop Chat (format {found}, this version reads format {ours}). It is left untouched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This conversation has messages of a kind this version of Desktop Chat does not know ({kinds}); it is shown read-only and is never changed by this version. Messages with a role it does not know are not shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This conversation has messages of a kind this version of Desktop Chat does not know ({kinds}); it is shown read-only and is never changed by this version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thinks before it answers; small enough for any recent computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thinks before it answers; better answers, needs more memory and time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answers at once, without thinking first; quick on any computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the server&apos;s address, e.g. http://localhost:8000.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{url}” is not a server address (http://host:port).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{url}” has a port that is not a number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system keyring is not available ({error}); the API key is kept until Desktop Chat closes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} must be a whole number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} must be a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} must be between {low} and {high} (got {value})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a number too large to show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} must be one of {choices} (got {value})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} must be on or off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} was nested too deeply and was removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Maximum reply length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system prompt must be text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thinking budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show reasoning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep reasoning open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last model must be a path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent models must be a list of paths</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language must be text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window geometry must be text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The models folder must be a path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answers to generate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fast copy choices must map model folders to on or off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generation settings must be a group of values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generation settings must be a group of values (got {kind})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent models: 1 entry that was not a path removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent models: {n} entries that were not a path removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a group of values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings could not be read ({error}); using the defaults.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The settings file was damaged ({error}) and the defaults are used. It could not be moved aside ({why}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The settings file was damaged ({error}) and the defaults are used. The damaged file was kept as {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some settings in the file could not be used and were reset: {problems}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file was left as it is (no copy of it could be made: {why}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The original file was kept as {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings could not be saved to {folder} ({why}). Changes apply until the app is closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation file {name} could not be read ({reason}), nor moved aside ({why}); it was left as it is and nothing was overwritten.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation file {name} could not be read ({reason}). It was moved to {path} and nothing was overwritten.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation file {name} could not be opened ({why}); it is not listed and was left as it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another window kept this conversation busy; try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a valid conversation id: {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation could not be opened from {path}: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation could not be saved to {path}: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The deleted conversation {id} could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The saved file of this conversation could not be read ({reason}); it was moved to {path} and your version was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation {id} no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{name}” is not a readable GGUF file (it may be damaged or incomplete).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>llama.cpp could not load this GGUF file (it may be damaged, or of an architecture this version does not know).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This model has no chat template; a plain “User: / Assistant:” format is used, and answers may be weaker.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>llama.cpp runs GGUF files as they are ({type})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The prompt could not be built: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model stopped with an error: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU ({n} threads)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apple GPU (Metal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPU (llama.cpp)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{path}” does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{name}” is a file. Choose the model&apos;s folder (the one holding config.json), or a .gguf file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{path}” is not a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{name}” holds several .gguf files; choose the one you want to open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{name}” is not a model folder: it has no config.json.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A Hugging Face model folder holds config.json, tokenizer files and weights (*.safetensors). Download every file of the model into one folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{name}” could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{name}” is not a GGUF file, or it is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message is too long for the model&apos;s context: the prompt needs {needed} tokens, and {available} of the {limit} are available with room for the reply. Shorten the message or the system prompt, or raise the context limit in the settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>llama-cpp-python is not installed, so this GGUF file runs through transformers: its weights are dequantized (more memory, slower). Install it with pip install &quot;desktop-chat[llama-cpp]&quot; for the fast engine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server does not offer the model “{model}”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It offers: {models}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server lists no models. Type the name of the model to use in Connect to Server….</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an OpenAI-compatible server at {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s reply could not be read: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server ended the reply without sending anything. The prompt may be longer than the server&apos;s context.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to {host} was lost in the middle of the reply. What arrived is kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at {host} did not answer in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server asks for an API key (401). DESKTOP_CHAT_API_KEY is sent only over https or to this computer, and {host} uses plain http: enter the key for this server in Connect to Server….</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server reported an error: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Talking to the server failed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server name in “{host}” could not be found. Check the address, and your network connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing answers at {host} (connection refused). Is the server running, on this address and port?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not connect to {host}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server said: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the API key (401). Enter a valid key in Connect to Server…, or set DESKTOP_CHAT_API_KEY.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server does not allow this request (403).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at {host} does not know the model “{model}” (404). Choose one of the models it lists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at {host} does not know this request (404). Choose one of the models it lists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server is busy or over its rate limit (429). Try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server had an internal error ({status}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the request ({status}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device} was detected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The device {device} was chosen in the settings but is not available on this computer. Choose Automatic or CPU.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device} was chosen in the settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{precision} was chosen in the settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{precision} was chosen in the settings (float16 can overflow with {model} models)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device_reason}; {precision_reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>int4 (torchao) runs on the CPU only. Choose the CPU as the device, or another precision.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>int4 precision is not available here: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>int4 weight-only was chosen in the settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bfloat16: supported by this GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>float16: this GPU has no bfloat16</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>float32: this GPU has no bfloat16 and {model} overflows float16</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>float32: this GPU has no bfloat16</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bfloat16: supported by Metal on macOS 14 and newer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>float32: bfloat16 needs macOS 14 on Apple GPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bfloat16: this processor computes it natively</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>float32: this processor has no native bfloat16</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a CUDA GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the Apple GPU (Metal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an Intel GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apple GPU ({machine})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model&apos;s config.json is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening .gguf files needs the &apos;gguf&apos; package.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This model runs Python code from its own folder (custom code). Allow that only for models from a source you trust.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The installed transformers {version} does not know the architecture “{architecture}”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Update Desktop Chat (or transformers), or choose another model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{name}” is not a text-generation model ({kind}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop Chat needs a causal language model (…ForCausalLM), the kind that continues text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{name}” has no tokenizer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expected one of {files} beside config.json.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model&apos;s tokenizer_config.json is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The weights index {name} is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight files are missing from “{name}” (the download may be incomplete).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missing: {files}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{name}” has no weights.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expected model.safetensors (or model-00001-of-000NN.safetensors, or pytorch_model.bin). Download every file of the model into the folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The weights file “{name}” is truncated or damaged (the download may be incomplete). Download it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the tokenizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model&apos;s tokenizer could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is not enough memory on the {device} for this model in {precision}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model&apos;s weights could not be loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>transformers cannot read this GGUF file&apos;s tokenizer correctly: its special tokens land outside the model&apos;s vocabulary. Install llama-cpp-python, which runs GGUF files as they are (pip install &quot;desktop-chat[llama-cpp]&quot;), or open the model&apos;s Hugging Face folder instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is not enough memory to quantize this model to int4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model could not be quantized to int4: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>torchao is not installed or does not load ({error}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This PyTorch has no int4 CPU kernel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The int4 CPU kernel gives wrong results on this machine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The int4 CPU kernel does not run on this machine ({error}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving the int4 weights for the next load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantizing to int4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the int4 weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model could not be loaded: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{new} does not fit in memory while {open} is open. Close {open} and open {new}?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model is loaded yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The models could not be listed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The engine ended the reply without a result.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inference engine could not start: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is not a file (a folder, a device or a pipe): nothing was read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file could not be read: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The archive holds no conversations.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It would expand {ratio} times when unpacked, as only a damaged or malicious archive does; it was not unpacked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is not a JSON file ({detail}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A conversation in it is larger than {limit}, the most an import reads for one conversation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading stopped after {count} items that could not be imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is neither a Desktop Chat conversation nor a ChatGPT export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A newer version of Desktop Chat wrote this conversation (format {version}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is not a valid Desktop Chat conversation: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It holds messages of a kind this version does not know ({kinds}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This ChatGPT conversation could not be read: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is larger than {limit}, the most an import reads from one file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is not a zip archive that can be read ({detail}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This model needs about {needed} GB of memory ({precision}, {context} tokens of context), but only {free} GB is free on the {device}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set a context limit of {tokens} tokens or less in the settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose int4 as the precision in the settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a quantized build of the model (a {type} GGUF file, run by llama.cpp).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the CPU as the device in the settings (it needs about {needed} GB of system memory).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close other programs, or choose a smaller model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is no longer on this disk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its files could not be read: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A fast copy cannot be made of this model: llama.cpp&apos;s converter in this app does not know its architecture ({architecture}). It keeps running on transformers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{quantization} copy of {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>llama.cpp runs the fast copy of this folder ({quantization}, made once and kept in the cache); the folder itself is unchanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A fast copy cannot be made of this model ({reason}). It keeps running on transformers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The fast copy could not be made: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlternativesView</name>
    <message>
        <source>This engine writes one answer at a time: the {count} answers come one after another.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing {count} answers at once.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AssistantMessageWidget</name>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generate answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generate several answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write several answers at once; they become versions of this answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the error&apos;s details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cut off at the length limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{rate:.1f} tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Written by {model}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The answer failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatSession</name>
    <message>
        <source>{title} (fork)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model&apos;s context holds {context} tokens; {reserve} of them are kept for the reply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This message takes {n} tokens: too long for the context ({limit} with room for the reply). Shorten it, or raise the context limit in the settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message: 1 token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message: {n} tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context: {used} of {limit} tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The oldest message will be left out to fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {n} oldest messages will be left out to fit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConsentDialog</name>
    <message>
        <source>Run the model&apos;s own code?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the open model?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConversationBranches</name>
    <message>
        <source>An answer is still being written: stop it or wait for it, then send the edited message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a model first: the edited message needs an answer.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConversationHeader</name>
    <message>
        <source>Conversation settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System prompt and sampling for this conversation only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversation Settings (custom)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversation Settings…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConversationListController</name>
    <message>
        <source>The copy could not be saved in {folder}: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation could not be deleted: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation could not be restored: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConversationSettingsDialog</name>
    <message>
        <source>Conversation Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings for “{title}” only. Unticked values follow the global settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-k (0: off)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Maximum reply length (tokens)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use this conversation&apos;s {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not used, out of range in the file: {reasons}. OK replaces them.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConversationView</name>
    <message>
        <source>Conversation</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DownloadDialog</name>
    <message>
        <source>Get a Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models come from Hugging Face ({endpoint}) and are kept in {folder}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantized GGUF file, Q4_K_M (llama.cpp)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full weights, safetensors (transformers)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hugging Face repository id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Or any Hugging Face repository: owner/name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hugging Face access token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use this token and download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel Download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No GPU was found: the GGUF build is recommended. llama.cpp runs it several times faster than full weights on the CPU, in half the memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A GPU was found ({device}): the full weights are recommended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title}: download {size}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>needs about {need} of memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>needs about {need}: more than is free</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asking {endpoint} about {repo}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{speed}/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>about {time} left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloaded to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused. What has arrived is kept: Resume continues from there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token was refused for {repo}. Check that it can read this repository and that you accepted the model&apos;s terms on its page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{repo} needs a Hugging Face access token: it is gated or private (or the name is wrong). Create a token at &lt;a href=&quot;{url}&quot;&gt;{url}&lt;/a&gt;; it is kept in the system keyring.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hugging Face ({endpoint}) cannot be reached. Check the network connection, or set HF_ENDPOINT to a mirror.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no model named “{repo}” on {endpoint}. A repository id looks like owner/name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{repo} has neither safetensors weights nor a GGUF file that Desktop Chat can run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is not enough free disk space in {folder} for this model. Free some space or choose another models folder in Settings; what has arrived is kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The models folder {folder} cannot be written: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{detail} arrived damaged (its checksum does not match) and was deleted. Resume downloads it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection was lost. What has arrived is kept: Resume continues from there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The download failed: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>No model is open yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop Chat runs language models on this computer; nothing leaves it.&lt;br&gt;&lt;br&gt;Download a model folder, for example &lt;a href=&quot;{url}&quot;&gt;DeepSeek-R1-Distill-Qwen-1.5B&lt;/a&gt; from Hugging Face (all of its files in one folder) or a single .gguf file, then choose it here. A model on a server works too: anything that speaks the OpenAI API.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Get a Model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Get a model from Hugging Face</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open model folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a GGUF file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a GGUF file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to a server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to a server</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export Conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown (the conversation shown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON (everything, every version)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF (the conversation shown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Include the thinking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportImportDialogs</name>
    <message>
        <source>Open a conversation to export it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There are no conversations to export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop Chat conversations {date}.zip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export All Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting conversations…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export could not be written: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Exported %n conversation(s) to {path}</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Import Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversations and ChatGPT exports (*.json *.zip);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing conversations…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The import failed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Imported %n conversation(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of them had an id already in use and got a new one; nothing was overwritten.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>…and %n more (see the details).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>These could not be imported:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Untitled conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FastCopyDialog</name>
    <message>
        <source>A Faster Way to Run This Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On this computer llama.cpp runs “{name}” several times faster than it runs now. A copy of the model in llama.cpp&apos;s format is made once, in the background, and opened instead of the folder from then on. The folder itself is not changed, and you can keep chatting while the copy is made.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fast copy progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make a fast copy ({quantization}, about {size}, about a minute)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make a fast copy ({quantization}, about {size}, about {minutes} minutes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the Original</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Making a fast copy of “{name}”…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The fast copy of “{name}” is ready; llama.cpp runs it now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The fast copy was cancelled; nothing was kept. “{name}” keeps running as it is.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find in conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close find bar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No matches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{current} of {total}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InstanceGuard</name>
    <message>
        <source>Cannot create the data folder {dir}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the lock file {file} ({error}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop Chat is already running with the data folder {dir} (process {pid}), but it does not respond. Close it (or end that process), then start again. The lock file is {file}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoadFailureDialog</name>
    <message>
        <source>The model could not be opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is still open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model is open.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;New Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Choose Model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Get a Model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Model &amp;Folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;GGUF File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to &amp;Server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Models…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model &amp;Info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show &amp;Thinking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find in Conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Search Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Regenerate Answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export Conversation…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export &amp;All Conversations…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent &amp;Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversation &amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a model first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All conversations are saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a copy in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MarkdownRenderer</name>
    <message>
        <source>code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>image</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageActions</name>
    <message>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fork</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fork from here into a new conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy Selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fork from Here</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageEditInput</name>
    <message>
        <source>Edit message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageEditor</name>
    <message>
        <source>Enter sends as a new version · Shift+Enter: new line · Esc: cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel editing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the edited message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageInput</name>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message the model… (Enter to send, Shift+Enter for a new line)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelDialogs</name>
    <message>
        <source>Open Model Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open GGUF Model File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelInfoDialog</name>
    <message>
        <source>Model Info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Engine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{tokens} tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generation defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Chat Template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show chat template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server applies its own template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This model has no chat template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{measured} measured at load ({held} for weights and cache)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none (the app&apos;s settings apply)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide Chat Template</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelPickerDialog</name>
    <message>
        <source>Choose a Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models used before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · open now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No models yet: open a model folder, a GGUF file, or connect to a server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model Folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GGUF File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · needs about {needed} GB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · needs about {needed} GB: does not fit now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server · {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GGUF file · llama.cpp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model folder · transformers</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelsLibraryDialog</name>
    <message>
        <source>Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models folder: {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No models yet. Get one from Hugging Face, or open a model folder or a GGUF file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove Fast Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (open)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{needed} (does not fit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The fast copy of {name} was removed; the folder opens as it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is open. Open another model before deleting it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete model?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move {name} to the trash?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}
{size} on disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} could not be moved to the trash (it may be read-only, or this system has no trash).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} was moved to the trash.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try saving again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close this notice</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SaveProblems</name>
    <message>
        <source>the disk is full</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>when there is space again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the folder is read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>when the folder can be written again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>permission was denied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the disk refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>when the disk allows it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot save conversations: {what} ({folder}). Your messages are kept in this window and will be saved {until}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerDialog</name>
    <message>
        <source>Connect to Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any server that speaks the OpenAI chat API: vLLM, SGLang, Ollama, LM Studio, llama.cpp&apos;s server, transformers serve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional; kept in the system keyring</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The first model the server lists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asking {url} for its models…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server offers {n} models.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server lists no models; type the model&apos;s name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample (off: always the most likely token)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fixed seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic: what fits in half of the free memory, up to the model&apos;s maximum (shown here once a model is open).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After this many thinking tokens the model is made to close its thinking and answer, as Answer now does. Models on a server are not limited.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset to the model&apos;s defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sampling values in the model&apos;s generation_config.json. DeepSeek recommends temperature 0.6, top-p 0.95 and no system prompt for its R1 distilled models.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Maximum reply length (tokens)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context limit (tokens)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thinking budget (tokens)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NVIDIA GPU (CUDA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apple GPU (Metal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Intel GPU (XPU)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>int4 (CPU only, about 3x faster than bfloat16)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changing these reloads the model. They apply to model folders (transformers); GGUF files run as they are.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the model&apos;s thinking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep thinking open when the answer starts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many answers Generate answers writes at once, as versions of one answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answers to generate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Takes effect the next time Desktop Chat starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart Desktop Chat to see the new language.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Please correct: {problems}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models downloaded with Get a Model go here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the models folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models Folder</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved by a newer version of Desktop Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel loading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model: choose another</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{why}
Context: {context}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{rate:.1f} tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>context {used} / {size}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} older messages left out to fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the prompt: {done} of {total} tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversation deleted.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ThinkingPanel</name>
    <message>
        <source>Answer now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop thinking and answer now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End the thinking here: the model writes its answer from what it has thought so far.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answering…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thoughts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thought for 1 second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thought for {n} seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (stopped while thinking)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (ended early with Answer now)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (ended at the thinking budget)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UnsavedOnCloseDialog</name>
    <message>
        <source>{n} conversation(s) could not be saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If you quit now, what was not saved is lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep Window Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a Copy…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit Anyway</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UserMessageWidget</name>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VersionSwitcher</name>
    <message>
        <source>Previous version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version {index} of {count}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>crash</name>
    <message>
        <source>Something went wrong inside Desktop Chat: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The details were written to {path}; please include that file if you report the problem.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your conversations are saved.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>{url} (not opened: not a web or mail link)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
