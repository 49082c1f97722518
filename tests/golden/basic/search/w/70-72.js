SITEGEN_SEARCH_CHUNK("w/70-72",{"pretraining":"0","primary":"0","prompt":"3","proof":"2"});
