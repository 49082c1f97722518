SITEGEN_SEARCH_CHUNK("w/66-69",{"fine":"0.3","finetuning":"0.3"});
