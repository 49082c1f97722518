SITEGEN_SEARCH_CHUNK("w/70-72",{"pretraining":"3","primary":"3","prompt":"0","proof":"1"});
